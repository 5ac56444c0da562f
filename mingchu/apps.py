from django.apps import AppConfig


class MingchuConfig(AppConfig):
    name = "mingchu"
    verbose_name = "互联网＋明厨亮灶"

    def ready(self):
        from portal.audit import register_action_labels
        from portal.hooks import registry
        from portal.models import Role

        registry.add_nav(
            label="明厨亮灶布点",
            url_name="mingchu:quota_list",
            roles={Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.ADMINISTRATOR},
            order=40,
        )
        register_action_labels({"quota.adjusted": "调整示范店布点"})
