"""帮办代办: an applicant asks the window for help; a clerk fills the application on the
applicant's behalf; the applicant confirms and signs it.

The catalogue (shanghai-yiyeyizheng 2023): "落实“两个免于提交”要求，提供帮办代办服务". The
window drafts, but only the applicant signs: the application the clerk fills is the
applicant's own draft (``Application.applicant`` is the user who asked, ``assisted_by``
the clerk), submitted only by the applicant's electronic signature.
"""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from portal.permissions import is_bound_enterprise, is_district_clerk


class AssistanceStatus(models.TextChoices):
    REQUESTED = "requested", "已申请帮办"
    DRAFTING = "drafting", "窗口代为填写中"
    AWAITING_SIGNATURE = "awaiting_signature", "待申请人确认签署"
    SIGNED = "signed", "申请人已确认签署"
    CANCELLED = "cancelled", "已取消"


#: While the window holds the draft, the applicant may neither edit nor sign it.
WITH_THE_WINDOW = (AssistanceStatus.REQUESTED, AssistanceStatus.DRAFTING)


class AssistanceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_wide:
            return self.all()
        if is_bound_enterprise(user):
            return self.filter(entity_uscc=user.entity_uscc)
        if is_district_clerk(user):
            return self.filter(district_id=user.district_id)
        return self.none()


class AssistanceRequest(models.Model):
    """帮办代办申请: who asked, for which format, what help; the draft the window filled."""

    entity = models.ForeignKey(
        "licensing.MarketEntity", verbose_name="市场主体", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    entity_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    district = models.ForeignKey(
        "portal.District", verbose_name="受理区", on_delete=models.PROTECT, related_name="+"
    )
    business_format = models.ForeignKey(
        "yiyeyizheng.BusinessFormat", verbose_name="经营业态", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    note = models.TextField("需要帮办的事项", max_length=500)
    contact_phone = models.CharField("联系电话", max_length=20)
    status = FSMField("状态", default=AssistanceStatus.REQUESTED, choices=AssistanceStatus.choices)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="帮办人员", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    application = models.OneToOneField(
        "yiyeyizheng.Application", verbose_name="代填的申请", on_delete=models.PROTECT,
        null=True, blank=True, related_name="assistance",
    )  # fmt: skip
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    handed_over_at = models.DateTimeField("交申请人确认时间", null=True, blank=True)
    signed_at = models.DateTimeField("申请人签署时间", null=True, blank=True)

    objects = AssistanceQuerySet.as_manager()

    class Meta:
        verbose_name = "帮办代办"
        verbose_name_plural = "帮办代办"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"帮办代办 {self.pk}：{self.entity.name}（{self.business_format.name}）"

    @property
    def is_with_window(self) -> bool:
        """Requested or being filled in by the window (the applicant waits)."""
        return self.status in (AssistanceStatus.REQUESTED, AssistanceStatus.DRAFTING)

    @property
    def is_signed(self) -> bool:
        return self.status == AssistanceStatus.SIGNED

    # --- what the guards read -----------------------------------------------------------
    def is_clerk_of(self, user) -> bool:
        return is_district_clerk(user) and user.district_id == self.district_id

    def is_entity_user(self, user) -> bool:
        return is_bound_enterprise(user) and user.entity_uscc == self.entity_uscc

    def has_draft(self) -> bool:
        return self.application_id is not None

    # --- transitions --------------------------------------------------------------------
    @transition(
        field=status, source=[AssistanceStatus.REQUESTED, AssistanceStatus.DRAFTING],
        target=AssistanceStatus.DRAFTING, permission=is_clerk_of,
    )  # fmt: skip
    def draft(self, *, clerk, application):
        """The window fills (or goes on filling) the application on the applicant's behalf."""
        self.clerk, self.application = clerk, application

    @transition(
        field=status, source=AssistanceStatus.DRAFTING,
        target=AssistanceStatus.AWAITING_SIGNATURE, conditions=[has_draft],
        permission=is_clerk_of,
    )  # fmt: skip
    def hand_over(self, *, at):
        """交申请人确认: the applicant may now check, complete and sign."""
        self.handed_over_at = at

    @transition(
        field=status, source=AssistanceStatus.AWAITING_SIGNATURE,
        target=AssistanceStatus.SIGNED, permission=is_entity_user,
    )  # fmt: skip
    def confirm(self, *, at):
        """The applicant confirmed and signed the application (its submission)."""
        self.signed_at = at

    @transition(
        field=status, source=[s for s in AssistanceStatus.values
                              if s not in (AssistanceStatus.SIGNED, AssistanceStatus.CANCELLED)],
        target=AssistanceStatus.CANCELLED, permission=is_entity_user,
    )  # fmt: skip
    def cancel(self):
        """The applicant no longer wants the help."""
