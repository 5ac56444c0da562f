from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"

    def ready(self):
        from portal import checks  # noqa: F401 - registers the deploy checks
        from portal.audit import collect_actions
        from portal.hooks import registry
        from portal.models import Role

        collect_actions()  # every app's audit.py, once

        registry.add_nav(
            label="系统管理", url_name="admin:index", roles={Role.ADMINISTRATOR}, order=900
        )
        from portal.views.home import AccountPanel
        from portal.views.notifications import unread_notifications

        registry.add_panel(
            template="portal/panel_notifications.html",
            context=unread_notifications,
            roles=set(Role.values),
            order=-1,
            when=lambda panel: panel.notifications,
        )
        registry.add_panel(
            template="portal/panel_account.html",
            context=lambda request: AccountPanel(),
            roles=set(Role.values),
            order=0,
        )
