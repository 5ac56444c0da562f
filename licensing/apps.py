from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = "登记注册"

    def ready(self):
        from licensing.panels import register_summary
        from portal.hooks import registry
        from portal.models import Role

        readers = {Role.WINDOW_CLERK, Role.DISTRICT_OFFICER, Role.CITY_OFFICER, Role.ADMINISTRATOR}
        registry.add_nav(
            label="设立登记",
            url_name="licensing:entity_create",
            roles={Role.WINDOW_CLERK},
            order=10,
        )
        registry.add_nav(
            label="主体查询", url_name="licensing:entity_list", roles=readers, order=20
        )
        registry.add_nav(
            label="本企业证照", url_name="licensing:my_entity", roles={Role.ENTERPRISE}, order=10
        )
        registry.add_panel(
            template="licensing/panel_register.html",
            context=register_summary,
            roles=readers,
            order=10,
        )
