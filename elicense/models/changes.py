"""The change feed (变更推送): one event per licence change, party subscriptions, webhooks.

Events are written in the change's own transaction without a sequence; ``sequence`` is
given later, under one lock, to committed events only (ADR 0022), so a reader paging by
sequence never skips an event that committed late with a lower id.
"""

from django.db import models
from django.db.models import Q

from elicense.models.licence_state import LicenceState


class ChangeType(models.TextChoices):
    ISSUED = "issued", "签发"
    SIGNED = "signed", "签名生效"
    SUPERSEDED = "superseded", "换发"
    REVOKED = "revoked", "吊销"
    CANCELLED = "cancelled", "注销"
    EXPIRED = "expired", "到期"
    MARK_GAINED = "mark_gained", "获得明厨亮灶标识"


class ChangeEvent(models.Model):
    """One change a relying party can see: a licence issued, in force, replaced or ended."""

    id = models.BigAutoField(primary_key=True)
    sequence = models.BigIntegerField("序号", null=True, blank=True, unique=True)
    event_type = models.CharField("变更类型", max_length=20, choices=ChangeType.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    kind = models.CharField("证照类型", max_length=30)
    number = models.CharField("证照编号", max_length=40)
    version = models.PositiveIntegerField("版本", null=True, blank=True)
    state = models.CharField("变更后状态", max_length=20, choices=LicenceState.choices)
    occurred_at = models.DateTimeField("变更时间")

    class Meta:
        verbose_name = "证照变更事件"
        verbose_name_plural = "证照变更事件"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["uscc", "sequence"], name="change_uscc_seq"),
            models.Index(
                fields=["id"], condition=Q(sequence__isnull=True), name="change_unsequenced"
            ),
        ]

    def __str__(self):
        return f"#{self.sequence or '-'} {self.get_event_type_display()} {self.number}"


#: The portal ``Counter`` holding the last sequence given out (ADR 0032): its row is locked
#: while sequences are assigned (ADR 0022).
FEED_COUNTER = "elicense:change_feed"


class Subscription(models.Model):
    """A relying party follows one merchant (by USCC; a licence number resolves to its holder)."""

    party = models.ForeignKey(
        "elicense.RelyingParty", verbose_name="接入单位", on_delete=models.CASCADE,
        related_name="subscriptions",
    )  # fmt: skip
    uscc = models.CharField("统一社会信用代码", max_length=18)
    subscribed_as = models.CharField("订阅时填写", max_length=40, blank=True)
    created_at = models.DateTimeField("订阅时间", auto_now_add=True)

    class Meta:
        verbose_name = "变更订阅"
        verbose_name_plural = "变更订阅"
        ordering = ["party", "uscc"]
        constraints = [models.UniqueConstraint(fields=["party", "uscc"], name="subscription_once")]

    def __str__(self):
        return f"{self.party_id} → {self.uscc}"


class EndpointStatus(models.TextChoices):
    ACTIVE = "active", "启用"
    DISABLED = "disabled", "已停用"


class WebhookEndpoint(models.Model):
    """Where a party receives events, signed with Standard Webhooks (HMAC-SHA256).

    The secret must be readable to sign with; it is shown to the party once. After a
    rotation the previous secret also signs until ``previous_secret_until`` (overlap).
    """

    party = models.ForeignKey(
        "elicense.RelyingParty", verbose_name="接入单位", on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )  # fmt: skip
    url = models.URLField("接收地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=100)
    previous_secret = models.CharField("上一签名密钥", max_length=100, blank=True)
    previous_secret_until = models.DateTimeField("上一密钥有效至", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=EndpointStatus.choices, default=EndpointStatus.ACTIVE
    )
    failing_since = models.DateTimeField("连续失败起始", null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    queued_through = models.BigIntegerField(
        "已排入推送的序号", default=0, help_text="此序号及之前的事件已为本地址建好推送。"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    disabled_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送接收地址"
        verbose_name_plural = "推送接收地址"
        ordering = ["party", "pk"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event owed to one endpoint; delivered when the receiver answered 2xx."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name="接收地址", on_delete=models.CASCADE,
        related_name="deliveries",
    )  # fmt: skip
    event = models.ForeignKey(ChangeEvent, verbose_name="变更事件", on_delete=models.CASCADE)
    previous_sequence = models.BigIntegerField(
        "前一事件序号", default=0, help_text="该单位可见的前一事件：接收方据此发现缺漏。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送"
        verbose_name_plural = "推送"
        ordering = ["endpoint", "event__sequence"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="delivery_once")]
        indexes = [
            models.Index(
                fields=["endpoint", "event"],
                condition=Q(delivered_at__isnull=True),
                name="delivery_pending",
            )  # fmt: skip
        ]

    def __str__(self):
        return f"{self.endpoint_id}:{self.event_id}"


class WebhookAttempt(models.Model):
    """One POST of one delivery: what the receiver answered and how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name="推送", on_delete=models.CASCADE, related_name="attempts"
    )
    attempted_at = models.DateTimeField("尝试时间")
    status_code = models.PositiveIntegerField("HTTP 状态码", null=True, blank=True)
    latency_ms = models.PositiveIntegerField("耗时（毫秒）")
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "推送尝试"
        verbose_name_plural = "推送尝试"
        ordering = ["-attempted_at"]

    def __str__(self):
        return f"{self.delivery_id} {self.status_code or self.error}"
