from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = "登记注册"

    def ready(self):
        from licensing import permissions  # noqa: F401 - registers the app's rules
        from licensing.queries.entities import enterprise_summary, register_summary
        from portal.audit import register_action_labels
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
            when=lambda context: context["allowed"],
        )
        register_action_labels(
            {
                "entity.registered": "设立登记",
                "entity.changed": "变更登记",
                "entity.cancelled": "注销登记",
                "entity.revoked": "吊销营业执照",
                "business_licence.issued": "核发营业执照",
                "business_licence.cancelled": "营业执照注销",
                "business_licence.revoked": "营业执照吊销",
                "food_licence.issued": "核发食品经营许可证",
                "food_licence.changed": "食品经营许可变更",
                "food_licence.cancelled": "食品经营许可注销",
                "food_licence.expired": "食品经营许可证到期",
                "food_licence.carried": "行业综合许可证载明食品经营许可",
                "supplier.added": "添加供货者",
                "supplier.removed": "移除供货者",
                "bulk_check.created": "上传批量审查",
                "bulk_check.finished": "批量审查完成",
                "bulk_check.resumed": "批量审查接续执行",
            }
        )
