from django.apps import AppConfig


class YiyeyizhengConfig(AppConfig):
    name = "yiyeyizheng"
    verbose_name = "一业一证"

    def ready(self):
        from portal.audit import register_action_labels
        from portal.hooks import registry
        from portal.models import Role
        from yiyeyizheng import permissions  # noqa: F401 - registers the app's rules

        registry.add_nav(
            label="一业一证办事指南",
            url_name="yiyeyizheng:format_list",
            roles={"anonymous", *Role.values},
            order=60,
        )
        registry.add_public_link(
            label="“一业一证”办事指南（开店须办理哪些许可，一次告知）",
            url_name="yiyeyizheng:format_list",
            order=10,
        )
        register_action_labels(
            {
                "catalogue.imported": "导入行业目录",
                "catalogue.copied": "复制目录为新草稿",
                "catalogue.published": "发布行业目录",
                "catalogue.retired": "停用行业目录",
                "catalogue.discarded": "删除目录草稿",
                "catalogue.format_changed": "修改经营业态",
                "catalogue.item_added": "添加整合事项",
                "catalogue.item_changed": "修改整合事项",
                "catalogue.item_removed": "移除整合事项",
            }
        )

        from yiyeyizheng import hooks_applications

        hooks_applications.register()
