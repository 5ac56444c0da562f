"""Supplier lists (供货者查验): canteens, schools and markets watch their suppliers."""

from django.db import models


class SupplierState(models.TextChoices):
    VALID = "valid", "证照有效"
    EXPIRING = "expiring", "许可证30日内到期"
    EXPIRED = "expired", "许可证已过期"
    NOT_YET_VALID = "not_yet_valid", "许可证尚未生效"
    CANCELLED = "cancelled", "许可证已注销"
    ENTITY_ENDED = "entity_ended", "执照已注销或吊销"
    NOT_FOUND = "not_found", "未找到"

    @property
    def badge_class(self) -> str:
        return SUPPLIER_BADGES.get(self, "text-bg-danger")


SUPPLIER_BADGES = {
    SupplierState.VALID: "text-bg-success",
    SupplierState.EXPIRING: "text-bg-warning",
}


#: States that raise an alert to the list's owner when a supplier enters them.
ALERT_STATES = {
    SupplierState.EXPIRING,
    SupplierState.EXPIRED,
    SupplierState.NOT_YET_VALID,
    SupplierState.CANCELLED,
    SupplierState.ENTITY_ENDED,
    SupplierState.NOT_FOUND,
}


class SupplierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The supplier list of the user's own entity; nobody else's."""
        from portal.permissions import is_enterprise_user

        if not is_enterprise_user(user):
            return self.none()
        return self.filter(owner_uscc=user.entity_uscc)


class Supplier(models.Model):
    """One supplier on an owner's list, by USCC or food-licence number."""

    owner_uscc = models.CharField("所属主体", max_length=18, db_index=True)
    identifier = models.CharField("统一社会信用代码或许可证编号", max_length=18)
    note = models.CharField("备注", max_length=100, blank=True)
    # The state last alerted on (the daily re-check alerts when it changes); pages show the
    # register's answer today (licensing.queries.suppliers), never this column.
    state = models.CharField(
        "最近查验结果", max_length=20, choices=SupplierState.choices, blank=True
    )
    name = models.CharField("名称", max_length=100, blank=True)
    valid_to = models.DateField("许可证有效期至", null=True, blank=True)
    checked_at = models.DateTimeField("最近查验时间", null=True, blank=True)
    added_at = models.DateTimeField("添加时间", auto_now_add=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        verbose_name = "供货者"
        verbose_name_plural = "供货者"
        ordering = ["owner_uscc", "name", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["owner_uscc", "identifier"], name="supplier_once")
        ]

    def __str__(self):
        return self.name or self.identifier
