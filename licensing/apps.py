from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = "登记注册"

    def ready(self):
        from licensing import permissions  # noqa: F401 - registers the app's rules
        from licensing.queries.entities import enterprise_summary, register_summary
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
            label="本企业证照",
            url_name="licensing:my_entity",
            roles={Role.ENTERPRISE},
            order=10,
            permission="licensing.view_entity",
        )
        registry.add_nav(
            label="供货者查验",
            url_name="licensing:supplier_list",
            roles={Role.ENTERPRISE},
            order=11,
            permission="licensing.manage_suppliers",
        )
        registry.add_nav(
            label="批量资质审查",
            url_name="licensing:bulkcheck_list",
            roles={Role.ENTERPRISE},
            order=12,
            permission="licensing.run_bulk_check",
        )
        registry.add_panel(
            template="licensing/panel_register.html",
            context=register_summary,
            roles=readers,
            order=10,
        )
        registry.add_panel(
            template="licensing/panel_enterprise.html",
            context=enterprise_summary,
            roles={Role.ENTERPRISE},
            order=10,
            when=lambda panel: panel.allowed,
        )
