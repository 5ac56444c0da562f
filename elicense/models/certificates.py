"""Electronic certificates (电子证照): one row per issued version, keyed by the holder's USCC."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from elicense.models.licence_state import LicenceState, in_force_filter, licence_state
from portal.permissions import is_city_wide, is_district_clerk, is_enterprise_user


def new_public_id() -> str:
    """A random, unguessable id for public URLs (96 bits)."""
    return secrets.token_urlsafe(12)


class CertificateKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", "营业执照"
    FOOD_LICENCE = "food_licence", "食品经营许可证"
    COMPOSITE_LICENCE = "composite_licence", "行业综合许可证"


#: Short codes used in the compact signed token.
KIND_CODES = {
    CertificateKind.BUSINESS_LICENCE: "bl",
    CertificateKind.FOOD_LICENCE: "fl",
    CertificateKind.COMPOSITE_LICENCE: "cl",
}


class CertificateStatus(models.TextChoices):
    PENDING_SIGNATURE = "pending_signature", "待签名"
    ACTIVE = "active", "有效"
    SUPERSEDED = "superseded", "已换发"
    REVOKED = "revoked", "已吊销"
    CANCELLED = "cancelled", "已注销"
    EXPIRED = "expired", "已过期"


LIVE = (CertificateStatus.PENDING_SIGNATURE, CertificateStatus.ACTIVE)


class CertificateQuerySet(models.QuerySet):
    def of_holder(self, uscc: str):
        return self.filter(holder_uscc=uscc)

    def visible_to(self, user):
        """Certificates a user may read: the holder's enterprise users their own,
        city-wide staff every holder's, a window clerk what their district's clerks issued
        (to print it), anyone else none (out of scope answers 404)."""
        if is_city_wide(user):
            return self
        if is_enterprise_user(user):
            return self.of_holder(user.entity_uscc)
        if is_district_clerk(user) and user.is_active:
            return self.filter(issued_by__district_id=user.district_id)
        return self.none()

    def heads(self):
        """The latest version of each certificate (not replaced by a newer one)."""
        return self.exclude(status=CertificateStatus.SUPERSEDED)

    def for_source(self, source: str):
        return self.filter(source=source)

    def in_force(self, today):
        """Certificates whose ``state`` is in force on ``today`` (the same rule as a filter)."""
        return self.filter(in_force_filter(today, open_ended=True))

    def shown_for_holder(self, uscc: str):
        """What the holder's page shows: its current certificates, business licence first."""
        kind_order = models.Case(
            models.When(kind=CertificateKind.BUSINESS_LICENCE, then=models.Value(0)),
            models.When(kind=CertificateKind.FOOD_LICENCE, then=models.Value(1)),
            default=models.Value(2),
            output_field=models.IntegerField(),
        )
        return (
            self.of_holder(uscc)
            .heads()
            .annotate(kind_order=kind_order)
            .order_by("kind_order", "number")
        )


class Certificate(models.Model):
    """One issued version of an electronic certificate with its face data frozen.

    Registers issue through ``elicense.services``; this app knows no register model,
    only the holder's USCC and an opaque ``source`` reference ("app.model:pk").
    """

    public_id = models.CharField("公开标识", max_length=24, default=new_public_id)
    kind = models.CharField("证照类型", max_length=30, choices=CertificateKind.choices)
    number = models.CharField("证照编号", max_length=40)
    holder_uscc = models.CharField("持证主体统一社会信用代码", max_length=18)
    holder_name = models.CharField("持证主体名称", max_length=100)
    face = models.JSONField("照面信息")
    valid_from = models.DateField("有效期自")
    valid_to = models.DateField("有效期至", null=True, blank=True, help_text="空为长期。")
    issuer = models.CharField("发证机关", max_length=60)
    source = models.CharField("来源", max_length=80)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="换发自",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    status = FSMField(
        "状态", default=CertificateStatus.PENDING_SIGNATURE, choices=CertificateStatus.choices
    )
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    status_reason = models.CharField("状态变更原因", max_length=200, blank=True)
    issued_at = models.DateTimeField("签发时间")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, null=True
    )
    signature = models.TextField("签名（JWS）", blank=True)
    key_id = models.CharField("签名密钥", max_length=40, blank=True)
    sm2_signature = models.TextField("SM2签名（JWS，与签名同一载荷）", blank=True)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"
        ordering = ["holder_uscc", "kind", "number", "-issued_at"]
        # Unique and indexed through ``Meta``: a field's ``unique``/``db_index`` adds a
        # ``varchar_pattern_ops`` twin on PostgreSQL that no query here reads (ADR 0043).
        indexes = [models.Index(fields=["holder_uscc"], name="certificate_holder")]
        constraints = [
            models.UniqueConstraint(
                fields=["public_id"], name="elicense_certificate_public_id_key"
            ),
            models.UniqueConstraint(fields=["source"], name="elicense_certificate_source_key"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="certificate_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | (~Q(signature="") & Q(signed_at__isnull=False)),
                name="certificate_active_is_signed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_superseded(self) -> bool:
        return self.status == CertificateStatus.SUPERSEDED

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    def state_on(self, today=None) -> LicenceState:
        return licence_state(
            status=self.status, valid_from=self.valid_from, valid_to=self.valid_to, today=today
        )

    @property
    def state(self) -> LicenceState:
        """The certificate's status today (one truth: ``licence_state``)."""
        return self.state_on()

    @transition(
        field=status, source=CertificateStatus.PENDING_SIGNATURE, target=CertificateStatus.ACTIVE
    )
    def sign(self, *, signature, key_id, at, sm2_signature=""):
        """The signing task attached the issuer's JWS (and the SM2 one beside it when an SM2
        key is active, ADR 0023): the certificate is in force."""
        self.signature, self.key_id, self.signed_at = signature, key_id, at
        self.sm2_signature = sm2_signature

    @transition(field=status, source=LIVE, target=CertificateStatus.SUPERSEDED)
    def supersede(self, *, at, reason):
        """A newer version replaced this one (change of the licence)."""
        self.status_changed_at, self.status_reason = at, reason

    @transition(field=status, source=LIVE, target=CertificateStatus.REVOKED)
    def revoke(self, *, at, reason):
        """Withdrawn by decision (吊销)."""
        self.status_changed_at, self.status_reason = at, reason

    @transition(field=status, source=LIVE, target=CertificateStatus.CANCELLED)
    def cancel(self, *, at, reason):
        """Cancelled (注销) on request or because the holder ended."""
        self.status_changed_at, self.status_reason = at, reason

    @transition(field=status, source=LIVE, target=CertificateStatus.EXPIRED)
    def expire(self, *, at):
        """The validity period ended."""
        self.status_changed_at, self.status_reason = at, "有效期届满"


def source_of(record) -> str:
    """The ``source`` a register record's certificate carries (``app.model:pk``): how a
    licence, a food licence or a composite licence finds its certificate."""
    return f"{record._meta.label_lower}:{record.pk}"


def certificate_of(record) -> Certificate | None:
    """The certificate issued for a register record (its latest version), or None."""
    return Certificate.objects.for_source(source_of(record)).first()
