from django.apps import AppConfig


class MingchuConfig(AppConfig):
    name = "mingchu"
    verbose_name = "互联网＋明厨亮灶"

    def ready(self):
        from mingchu import permissions  # noqa: F401 - registers the app's rules
        from portal.hooks import registry
        from portal.models import Role

        registry.add_nav(
            label="明厨亮灶布点",
            url_name="mingchu:quota_list",
            roles={Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.ADMINISTRATOR},
            order=40,
        )
        registry.add_nav(
            label="示范店",
            url_name="mingchu:store_list",
            roles={Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.ADMINISTRATOR},
            order=41,
        )
        registry.add_nav(
            label="月度报表",
            url_name="mingchu:report_list",
            roles={Role.CITY_OFFICER, Role.DISTRICT_OFFICER},
            order=42,
        )
        registry.add_nav(
            label="全市汇总",
            url_name="mingchu:rollup",
            roles={Role.CITY_OFFICER, Role.ADMINISTRATOR},
            order=43,
        )
        registry.add_nav(
            label="进度看板",
            url_name="mingchu:city_dashboard",
            roles={Role.CITY_OFFICER, Role.DISTRICT_OFFICER},
            order=44,
        )
        registry.add_nav(
            label="验收评估",
            url_name="mingchu:acceptance_latest",
            roles={Role.CITY_OFFICER, Role.DISTRICT_OFFICER},
            order=45,
        )
        registry.add_public_link(
            label="“互联网＋明厨亮灶”示范店",
            url_name="mingchu:public_store_list",
            description="看得见的后厨：查看示范店名单和建设进度。",
        )
        registry.add_badge_mark(slot="mingchu", provider=has_completed_demo_store)


def has_completed_demo_store(holder_uscc: str) -> bool:
    """The 明厨亮灶 mark on the holder's shop-page badge: a demo store 完成建设."""
    from mingchu.models import DemoStore, Stage

    return DemoStore.objects.filter(holder_uscc=holder_uscc, stage=Stage.COMPLETED).exists()
