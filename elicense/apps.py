from django.apps import AppConfig


class ElicenseConfig(AppConfig):
    name = "elicense"
    verbose_name = "电子证照"

    def ready(self):
        from elicense import (
            checks,  # noqa: F401 - registers the deploy checks
            permissions,  # noqa: F401 - registers the app's rules
        )
        from portal.hooks import registry
        from portal.models import Role

        registry.add_nav(
            label="电子证照",
            url_name="elicense:my_certificates",
            roles={Role.ENTERPRISE},
            order=5,
            permission="elicense.view_certificates",
        )
        registry.add_nav(
            label="授权管理",
            url_name="elicense:authorisation_list",
            roles={Role.ENTERPRISE},
            order=6,
        )
        registry.add_nav(
            label="电子签名",
            url_name="elicense:document_sign",
            roles={Role.ENTERPRISE},
            order=7,
            permission="elicense.sign_document",
        )
        registry.add_nav(
            label="扫码验照",
            url_name="elicense:scan",
            roles={Role.WINDOW_CLERK, Role.DISTRICT_OFFICER, Role.CITY_OFFICER},
            order=30,
        )
        registry.add_nav(
            label="应用接入审核",
            url_name="elicense:access_list",
            roles={Role.CITY_OFFICER, Role.ADMINISTRATOR},
            order=40,
            permission="elicense.review_access",
        )
        registry.add_login_panel(template="elicense/login_panel.html")
        from elicense.queries.authorisations import agent_authorisations

        registry.add_panel(
            template="elicense/panel_agent.html",
            context=agent_authorisations,
            roles={Role.ENTERPRISE},
            order=5,
            when=lambda panel: panel.is_agent,
        )
