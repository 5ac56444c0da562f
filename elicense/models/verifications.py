"""The verification log (查验记录): every check of a certificate, whoever made it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.permissions import is_city_wide, is_enterprise_user


class VerificationChannel(models.TextChoices):
    PUBLIC_PAGE = "public_page", "公开页面"
    CLERK_SCAN = "clerk_scan", "窗口扫码"
    API = "api", "接口查验"
    BULK = "bulk", "批量查验"
    FACE_READ = "face_read", "照面信息获取"


class VerificationResult(models.TextChoices):
    """The typed outcome of a verification, each with its Chinese message."""

    VALID = "valid", "证照有效"
    BAD_SIGNATURE = "bad_signature", "签名无效，证照可能被篡改"
    UNKNOWN_KEY = "unknown_key", "签名密钥不可识别"
    CODE_EXPIRED = "code_expired", "出示码已过期，请让对方刷新后重新出示"
    REPLAYED = "replayed", "出示码已被使用，每个出示码只能查验一次"
    AUTHORISATION_REVOKED = "authorisation_revoked", "出示人的授权已被撤销"
    AUTHORISATION_EXPIRED = "authorisation_expired", "出示人的授权已过期或尚未生效"
    OUT_OF_SCOPE = "out_of_scope", "所办事项超出出示人的授权范围"
    REVOKED = "revoked", "证照已被吊销"
    SUPERSEDED = "superseded", "证照已换发新版，此版本已失效"
    CANCELLED = "cancelled", "证照已注销"
    EXPIRED = "expired", "证照已过有效期"
    NOT_YET_VALID = "not_yet_valid", "证照尚未到生效日期"
    FOREIGN_DOMAIN = "foreign_domain", "该二维码不是本平台的地址，可能是伪造的，请勿信任"
    PENDING = "pending", "证照正在签发，请稍后再试"
    NOT_FOUND = "not_found", "未找到该证照"
    MALFORMED = "malformed", "无法识别的码，请确认扫描的是电子证照二维码"


class VerificationQuerySet(models.QuerySet):
    def of_holder(self, uscc: str):
        return self.filter(holder_uscc=uscc)

    def visible_to(self, user):
        """The verification log a user may read: the holder's enterprise users their own,
        city-wide staff every holder's, anyone else none (out of scope answers 404)."""
        if is_city_wide(user):
            return self
        if is_enterprise_user(user):
            return self.of_holder(user.entity_uscc)
        return self.none()


class Verification(models.Model):
    """One verification and its typed result; the holder sees who checked it and when.

    On PostgreSQL the table is partitioned by month of ``created_at`` (ADR 0026, migration
    0011): its primary key there is (id, created_at), while Django sees ``id``, which one
    sequence keeps unique. Partitions are made ahead and detached by
    ``elicense.services.verification_partitions``.

    Its links (certificate, verifier, relying party) carry no foreign-key constraint in the
    database (ADR 0042): checking one locked the linked row, a write to a certificate's page
    for every check. The rows linked are never deleted; ``PROTECT`` still refuses an ORM
    delete of one that has checks.
    """

    #: The check's own time, set at the check (not when the row reaches the table, ADR 0024).
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    #: Generated at the check; a check written twice (a drainer that died before it
    #: acknowledged) is one row. Unique with the time, the table's partition key.
    check_id = models.UUIDField("查验编号", default=uuid.uuid4, editable=False)
    channel = models.CharField("渠道", max_length=20, choices=VerificationChannel.choices)
    result = models.CharField("结果", max_length=30, choices=VerificationResult.choices)
    #: Not indexed: nothing reads the log by certificate (a holder's log is read by USCC).
    certificate = models.ForeignKey(
        "elicense.Certificate",
        verbose_name="证照",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        db_constraint=False,
        db_index=False,
    )
    #: Indexed by the (holder_uscc, -created_at) index alone, which also serves the
    #: holder's log index-only within a month's partition (ADR 0026).
    holder_uscc = models.CharField("持证主体", max_length=18, blank=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查验人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    verifier_label = models.CharField("查验方", max_length=150)
    relying_party = models.ForeignKey(
        "elicense.RelyingParty",
        verbose_name="接入单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        db_constraint=False,
    )
    client_address = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = "查验记录"
        verbose_name_plural = "查验记录"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["holder_uscc", "-created_at"]),
            # Equality only (the admin's filter): no ``varchar_pattern_ops`` twin.
            models.Index(fields=["result"], name="verification_result"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["check_id", "created_at"], name="verification_check_once"
            )
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verifier_label} {self.result}"
