from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self):
        from portal import checks  # noqa: F401 - registers the deploy checks
        from portal.audit import register_action_labels
        from portal.hooks import registry
        from portal.models import Role

        register_action_labels(
            {
                "calendar.year_set": "导入年度节假日安排",
                "outbox.requeued": "重新派发待办任务",
                "account.password_reset": "通过邮件重设密码",
            }
        )

        registry.add_nav(
            label="系统管理", url_name="admin:index", roles={Role.ADMINISTRATOR}, order=900
        )
        register_action_labels(
            {"notification.created": "发送站内通知", "notifications.read": "通知标为已读"}
        )
        from portal.views.notifications import unread_notifications

        registry.add_panel(
            template="portal/panel_notifications.html",
            context=unread_notifications,
            roles=set(Role.values),
            order=-1,
            when=lambda context: context["notifications"],
        )
        registry.add_panel(
            template="portal/panel_account.html",
            context=lambda request: {},
            roles=set(Role.values),
            order=0,
        )
