from django.apps import AppConfig


class YiyeyizhengConfig(AppConfig):
    name = "yiyeyizheng"
    verbose_name = "一业一证"

    def ready(self):
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
            audience="企业",
            description="回答几个问题，一次告知开店须办理的全部许可和材料。",
        )
        registry.add_public_link(
            label="一业一证办件进度查询",
            url_name="yiyeyizheng:progress",
            order=11,
            audience="企业",
            description="凭申请编号和查询码，无需登录。",
        )
        _register_applications()
        _register_service_promises()
        from yiyeyizheng.queries.filings import open_cases_for_holder

        # 执照存档: the scan page of elicense lists these to file a scanned licence with.
        registry.add_holder_cases(open_cases_for_holder)


def _register_applications() -> None:
    """Navigation entries, panels and audit labels of the application workflow."""
    from portal.hooks import registry
    from portal.models import Role

    registry.add_nav(
        label="一业一证申请",
        url_name="yiyeyizheng:application_list",
        roles={Role.ENTERPRISE},
        order=61,
        permission="yiyeyizheng.view_application",
    )
    registry.add_nav(
        label="一业一证受理",
        url_name="yiyeyizheng:clerk_queue",
        roles={Role.WINDOW_CLERK},
        order=61,
    )
    registry.add_nav(
        label="一业一证审批",
        url_name="yiyeyizheng:review_list",
        roles={Role.DEPARTMENT_REVIEWER},
        order=61,
    )
    registry.add_nav(
        label="办件进度查询",
        url_name="yiyeyizheng:progress",
        roles={"anonymous", Role.ENTERPRISE},
        order=62,
    )
    from yiyeyizheng.queries.applications import clerk_summary, reviewer_summary
    from yiyeyizheng.services.licences import end_licences_of_entity

    registry.add_entity_end_handler(end_licences_of_entity)

    registry.add_panel(
        template="yiyeyizheng/panel_clerk.html",
        context=clerk_summary,
        roles={Role.WINDOW_CLERK},
        order=60,
    )
    registry.add_panel(
        template="yiyeyizheng/panel_reviewer.html",
        context=reviewer_summary,
        roles={Role.DEPARTMENT_REVIEWER},
        order=60,
    )


def _register_service_promises() -> None:
    """Issue 20: 好差评, 帮办代办, 合规经营指南 — their navigation."""
    from portal.hooks import registry
    from portal.models import Role

    registry.add_nav(
        label="帮办代办",
        url_name="yiyeyizheng:assistance_list",
        roles={Role.WINDOW_CLERK},  # applicants reach it from 一业一证申请
        order=63,
    )
    registry.add_nav(
        label="好差评",
        url_name="yiyeyizheng:rating_list",
        roles={Role.WINDOW_CLERK, Role.DEPARTMENT_REVIEWER, Role.CITY_OFFICER},
        order=64,
        permission="yiyeyizheng.view_ratings",
    )
