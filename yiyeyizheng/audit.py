"""一业一证: the catalogue's and the applications' audit actions (ADR 0020).

Value: the stable ``<object>.<verb>`` name stored in ``AuditEvent.action`` and sealed in
the audit chain (never renamed); label: the Chinese the audit pages show.
"""

from portal.audit import AuditAction


class YiyeyizhengAction(AuditAction):
    YYZ_APPLICATION_CREATED = "yyz_application.created", "创建申请"
    YYZ_APPLICATION_SAVED = "yyz_application.saved", "保存申请表"
    YYZ_APPLICATION_ATTACHMENT_ADDED = "yyz_application.attachment_added", "上传申请材料"
    YYZ_APPLICATION_ATTACHMENT_REMOVED = "yyz_application.attachment_removed", "删除申请材料"
    YYZ_APPLICATION_LICENCE_FILED = "yyz_application.licence_filed", "扫码存档营业执照"
    YYZ_APPLICATION_SUBMITTED = "yyz_application.submitted", "签名并提交申请"
    YYZ_APPLICATION_WITHDRAWN = "yyz_application.withdrawn", "撤回申请"
    YYZ_APPLICATION_RETURNED = "yyz_application.returned", "退回补正"
    YYZ_APPLICATION_ACCEPTED = "yyz_application.accepted", "窗口受理（一口受理）"
    YYZ_APPLICATION_CORRECTED = "yyz_application.corrected", "提交补正材料"
    YYZ_APPLICATION_APPROVED = "yyz_application.approved", "审批通过"
    YYZ_APPLICATION_REJECTED = "yyz_application.rejected", "不予许可"
    YYZ_APPLICATION_LICENSED = "yyz_application.licensed", "核发行业综合许可证"
    YYZ_APPLICATION_COMPLETED = "yyz_application.completed", "办结"
    YYZ_REVIEW_APPROVED = "yyz_review.approved", "部门审查：准予"
    YYZ_REVIEW_REJECTED = "yyz_review.rejected", "部门审查：不予许可"
    YYZ_REVIEW_CORRECTION_REQUESTED = "yyz_review.correction_requested", "部门审查：要求补正"
    YYZ_REVIEW_OVERDUE_REMINDED = "yyz_review.overdue_reminded", "逾期提醒"
    YYZ_LICENCE_ISSUED = "yyz_licence.issued", "核发行业综合许可证"
    YYZ_LICENCE_CANCELLED = "yyz_licence.cancelled", "注销行业综合许可证"
    YYZ_LICENCE_REVOKED = "yyz_licence.revoked", "吊销行业综合许可证"
    CATALOGUE_IMPORTED = "catalogue.imported", "导入行业目录"
    CATALOGUE_COPIED = "catalogue.copied", "复制目录为新草稿"
    CATALOGUE_PUBLISHED = "catalogue.published", "发布行业目录"
    CATALOGUE_RETIRED = "catalogue.retired", "停用行业目录"
    CATALOGUE_DISCARDED = "catalogue.discarded", "删除目录草稿"
    CATALOGUE_FORMAT_CHANGED = "catalogue.format_changed", "修改经营业态"
    CATALOGUE_ITEM_ADDED = "catalogue.item_added", "添加整合事项"
    CATALOGUE_ITEM_CHANGED = "catalogue.item_changed", "修改整合事项"
    CATALOGUE_ITEM_REMOVED = "catalogue.item_removed", "移除整合事项"
    YYZ_ASSISTANCE_CANCELLED = "yyz_assistance.cancelled", "取消帮办代办"
    YYZ_ASSISTANCE_SIGNED = "yyz_assistance.signed", "申请人确认并签署代填的申请"
    YYZ_ASSISTANCE_HANDED_OVER = "yyz_assistance.handed_over", "交申请人确认签署"
    YYZ_ASSISTANCE_DRAFTED = "yyz_assistance.drafted", "窗口代为填写申请"
    YYZ_ASSISTANCE_REQUESTED = "yyz_assistance.requested", "申请帮办代办"
    YYZ_GUIDE_SAVED = "yyz_guide.saved", "编辑合规经营指南"
    YYZ_RATING_RATED = "yyz_rating.rated", "好差评"
