"""登记注册: the register's audit actions (ADR 0020).

Value: the stable ``<object>.<verb>`` name stored in ``AuditEvent.action`` and sealed in
the audit chain (never renamed); label: the Chinese the audit pages show.
"""

from portal.audit import AuditAction


class LicensingAction(AuditAction):
    ENTITY_REGISTERED = "entity.registered", "设立登记"
    ENTITY_CHANGED = "entity.changed", "变更登记"
    ENTITY_CANCELLED = "entity.cancelled", "注销登记"
    ENTITY_REVOKED = "entity.revoked", "吊销营业执照"
    BUSINESS_LICENCE_ISSUED = "business_licence.issued", "核发营业执照"
    BUSINESS_LICENCE_CANCELLED = "business_licence.cancelled", "营业执照注销"
    BUSINESS_LICENCE_REVOKED = "business_licence.revoked", "营业执照吊销"
    FOOD_LICENCE_ISSUED = "food_licence.issued", "核发食品经营许可证"
    FOOD_LICENCE_CHANGED = "food_licence.changed", "食品经营许可变更"
    FOOD_LICENCE_CANCELLED = "food_licence.cancelled", "食品经营许可注销"
    FOOD_LICENCE_EXPIRED = "food_licence.expired", "食品经营许可证到期"
    FOOD_LICENCE_CARRIED = "food_licence.carried", "行业综合许可证载明食品经营许可"
    SUPPLIER_ADDED = "supplier.added", "添加供货者"
    SUPPLIER_REMOVED = "supplier.removed", "移除供货者"
    BULK_CHECK_CREATED = "bulk_check.created", "上传批量审查"
    BULK_CHECK_FINISHED = "bulk_check.finished", "批量审查完成"
    BULK_CHECK_RESUMED = "bulk_check.resumed", "批量审查接续执行"
