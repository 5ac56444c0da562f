"""The audit trail: one row for every state change, written by the services."""

from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Who did what to which object, from where and when (审计记录).

    Rows are append-only: written by ``portal.audit.record_event`` inside the
    service's transaction, so an action and its audit row commit or roll back together.
    """

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_label = models.CharField("操作人（快照）", max_length=150, blank=True)
    action = models.CharField("操作", max_length=60)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    client_address = models.GenericIPAddressField("客户端地址", null=True, blank=True)
    #: Set by ``portal.audit_chain.seal`` (never on insert): the event's place in the chain and
    #: HMAC-SM3 over the previous value and the event's content.
    chain_seq = models.BigIntegerField("链序号", null=True, blank=True, unique=True)
    chain_value = models.CharField("链值（HMAC-SM3）", max_length=64, blank=True, db_default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-created_at", "-id"]
        # In ``Meta``, not the fields' ``db_index``, which adds ``varchar_pattern_ops`` twins
        # (ADR 0043). An object's events are read by type and id, never by id alone.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="audit_action"),
        ]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
        )

    @property
    def action_label(self) -> str:
        """The action in Chinese, as its app declared it (``<app>/audit.py``, ADR 0020)."""
        from portal.audit import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)
