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
        _register_applications()
        _register_service_promises()


def _register_applications() -> None:
    """Navigation entries, panels and audit labels of the application workflow."""
    from portal.audit import register_action_labels
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
    register_action_labels(
        {
            "yyz_application.created": "创建申请",
            "yyz_application.saved": "保存申请表",
            "yyz_application.attachment_added": "上传申请材料",
            "yyz_application.attachment_removed": "删除申请材料",
            "yyz_application.submitted": "签名并提交申请",
            "yyz_application.withdrawn": "撤回申请",
            "yyz_application.returned": "退回补正",
            "yyz_application.accepted": "窗口受理（一口受理）",
            "yyz_application.corrected": "提交补正材料",
            "yyz_application.approved": "审批通过",
            "yyz_application.rejected": "不予许可",
            "yyz_application.licensed": "核发行业综合许可证",
            "yyz_application.completed": "办结",
            "yyz_review.approved": "部门审查：准予",
            "yyz_review.rejected": "部门审查：不予许可",
            "yyz_review.correction_requested": "部门审查：要求补正",
            "yyz_review.overdue_reminded": "逾期提醒",
            "yyz_licence.issued": "核发行业综合许可证",
            "yyz_licence.cancelled": "注销行业综合许可证",
            "yyz_licence.revoked": "吊销行业综合许可证",
        }
    )


def _register_service_promises() -> None:
    """Issue 20: 好差评, 帮办代办, 合规经营指南 — navigation and audit labels kept together."""
    from portal.audit import register_action_labels
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
    register_action_labels(
        {
            "yyz_assistance.requested": "申请帮办代办",
            "yyz_assistance.drafted": "窗口代为填写申请",
            "yyz_assistance.handed_over": "交申请人确认签署",
            "yyz_assistance.signed": "申请人确认并签署代填的申请",
            "yyz_assistance.cancelled": "取消帮办代办",
            "yyz_rating.rated": "好差评",
            "yyz_guide.saved": "编辑合规经营指南",
        }
    )
