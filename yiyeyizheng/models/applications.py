"""一业一证 applications, department reviews, attachments and composite licences.

An application pins the catalogue version and format it began under, keeps the applicant's
answers and the decisions they gave at that moment, and moves through its states only by
the transitions below (called by ``yiyeyizheng.services.applications``). Guards that need the
acting user are FSM ``permission`` callables; the services check them with
``has_transition_perm`` before moving.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from portal.permissions import (
    is_bound_enterprise,
    is_bound_reviewer,
    is_district_clerk,
    is_enterprise,
    is_window_clerk,
    of_district,
    of_entity,
)
from yiyeyizheng.models.questions import FIXED_QUESTIONS, answer_rows
from yiyeyizheng.models.validators import normalise_phone, validate_area

#: The form fields an applicant fills in; everything else comes from the register, and the
#: facts of the business (area, venue, activities …) are the application's ``answers``: one
#: set of facts feeds both the form and the decisions.
FORM_FIELDS = {
    "premises_address": "经营场所",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}
REQUIRED_FORM_FIELDS = ("premises_address", "contact_name", "contact_phone")
SIGNING_MATTER = "电子政务/市场监管/一业一证"


def new_verification_code() -> str:
    """A 10-character progress code from an alphabet without look-alike characters."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class ApplicationKind(models.TextChoices):
    NEW = "new", "新办"
    CHANGE = "change", "变更"
    CANCELLATION = "cancellation", "注销"
    REISSUE = "reissue", "补办"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回补正"
    ACCEPTED = "accepted", "已受理"
    APPROVED = "approved", "审批通过"
    LICENSED = "licensed", "已发证"
    COMPLETED = "completed", "已办结"
    REJECTED = "rejected", "不予许可"
    WITHDRAWN = "withdrawn", "已撤回"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "审查中"
    APPROVED = "approved", "准予许可"
    REJECTED = "rejected", "不予许可"
    CORRECTION_REQUESTED = "correction_requested", "要求补正"

    @property
    def badge_class(self) -> str:
        """The badge colour of the status wherever a review is listed."""
        return REVIEW_BADGES.get(self, "text-bg-danger")


REVIEW_BADGES = {
    ReviewStatus.APPROVED: "text-bg-success",
    ReviewStatus.PENDING: "text-bg-secondary",
    ReviewStatus.CORRECTION_REQUESTED: "text-bg-warning",
}


class AttachmentPurpose(models.TextChoices):
    PREMISES_PROOF = "premises_proof", "经营场所使用证明"
    FLOOR_PLAN = "floor_plan", "经营场所平面图"
    LOSS_STATEMENT = "loss_statement", "遗失（损毁）声明"
    OTHER = "other", "其他材料"
    #: 执照存档: filed by the window from a valid scan (``LicenceFiling``), never uploaded.
    SCANNED_LICENCE = "scanned_licence", "营业执照（扫码存档）"


#: What an applicant may upload: everything but what the window files from a scan.
UPLOAD_PURPOSES = [
    (value, label) for value, label in AttachmentPurpose.choices
    if value != AttachmentPurpose.SCANNED_LICENCE
]  # fmt: skip


#: The attachments each kind of application must carry before it can be submitted.
REQUIRED_ATTACHMENTS = {
    ApplicationKind.NEW: (AttachmentPurpose.PREMISES_PROOF,),
    ApplicationKind.CHANGE: (),
    ApplicationKind.CANCELLATION: (),
    ApplicationKind.REISSUE: (AttachmentPurpose.LOSS_STATEMENT,),
}


#: A department reviewer bound to a department (the predicate lives in portal.permissions).
is_reviewer = is_bound_reviewer


#: Cases the window may still file a scanned licence with (执照存档): not yet concluded.
OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.RETURNED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.APPROVED,
)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own entity's (enterprise), own district's submitted ones (clerk), those with an
        item of the reviewer's department or led by it, or all (city-wide)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_wide:
            return self.all()
        if is_bound_enterprise(user):
            return self.filter(entity_uscc=user.entity_uscc)
        if is_district_clerk(user):
            return self.filter(district_id=user.district_id).exclude(status=ApplicationStatus.DRAFT)
        if is_reviewer(user):
            from yiyeyizheng.models.reviews import ItemReview

            reviewed = ItemReview.objects.visible_to(user).values("application_id")
            led = Q(business_format__lead_department_id=user.department_id)
            if user.district_id:
                led &= Q(district_id=user.district_id)
            led &= ~Q(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED])
            return self.filter(Q(pk__in=reviewed) | led)
        return self.none()

    def queue_of(self, clerk):
        """The clerk's district's submitted applications, oldest first (受理队列)."""
        return self.filter(
            district_id=clerk.district_id, status=ApplicationStatus.SUBMITTED
        ).order_by("submitted_at", "pk")


class Application(models.Model):
    """一业一证申请: one form for every permit a format needs, at one window."""

    number = models.CharField("申请编号", max_length=20, unique=True)
    verification_code = models.CharField("查询码", max_length=10, default=new_verification_code)
    kind = models.CharField("申请类型", max_length=20, choices=ApplicationKind.choices)
    catalogue_version = models.ForeignKey(
        "yiyeyizheng.CatalogueVersion", verbose_name="目录版本", on_delete=models.PROTECT,
        related_name="applications",
    )  # fmt: skip
    business_format = models.ForeignKey(
        "yiyeyizheng.BusinessFormat", verbose_name="经营业态", on_delete=models.PROTECT,
        related_name="applications",
    )  # fmt: skip
    entity = models.ForeignKey(
        "licensing.MarketEntity", verbose_name="市场主体", on_delete=models.PROTECT,
        related_name="yiyeyizheng_applications",
    )  # fmt: skip
    entity_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    entity_name = models.CharField("主体名称", max_length=100)
    district = models.ForeignKey(
        "portal.District", verbose_name="受理区", on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
        related_name="yiyeyizheng_applications",
    )  # fmt: skip
    licence = models.ForeignKey(
        "yiyeyizheng.CompositeLicence", verbose_name="所涉许可证", on_delete=models.PROTECT,
        null=True, blank=True, related_name="applications",
    )  # fmt: skip
    answers = models.JSONField("问卷答案", default=dict)
    form_data = models.JSONField("申请表", default=dict)
    decisions = models.JSONField("办理事项", default=list)
    reason = models.TextField("申请事由", blank=True)
    status = FSMField("状态", default=ApplicationStatus.DRAFT, choices=ApplicationStatus.choices)
    signed_document = models.ForeignKey(
        "elicense.SignedDocument", verbose_name="电子签名", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    correction_notice = models.TextField("补正告知", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="帮办人员", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "一业一证申请"
        verbose_name_plural = "一业一证申请"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "status", "submitted_at"])]

    def __str__(self):
        return f"{self.number} {self.entity_name}（{self.get_kind_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def is_accepted(self) -> bool:
        """Accepted by the window and under the departments' review."""
        return self.status == ApplicationStatus.ACCEPTED

    def form_rows(self) -> list[tuple[str, str]]:
        """The application form as (label, value), in the form's order."""
        return [
            (label, self.form_data[field])
            for field, label in FORM_FIELDS.items()
            if field in self.form_data
        ]

    def answer_rows(self) -> list[tuple[str, str]]:
        """The facts the decisions rest on, as (question, answer) in Chinese."""
        return answer_rows(self.answers)

    # --- what the guards read -----------------------------------------------------------
    def chosen_items(self) -> list[dict]:
        """The decisions the application asks for: required items and chosen optional ones."""
        return [d for d in self.decisions if d.get("chosen")]

    def unstated_facts(self) -> dict[str, list[str]]:
        """The facts left blank that a needed item's decision rests on: fact label → permits.

        Blank, they would leave a conditional item (消防安全检查 from 300 m², say) as an
        optional box; only 按需办理 items may be optional, so these must be stated first.
        """
        waiting: dict[str, list[str]] = {}
        for decision in self.decisions:
            for key in decision.get("awaiting", ()):
                waiting.setdefault(FIXED_QUESTIONS[key].label, []).append(decision["permit"])
        return waiting

    def fact_problems(self) -> list[str]:
        """Facts and form values that cannot be true: a blank fact an item rests on, an area
        of zero or less, a phone number that is not one. A cancellation or reissue states no
        facts of its own (it carries the licence's)."""
        if self.kind not in (ApplicationKind.NEW, ApplicationKind.CHANGE):
            return []
        problems = [
            f"未填写“{label}”（决定{'、'.join(f'“{p}”' for p in permits)}是否须办理）"
            for label, permits in self.unstated_facts().items()
        ]
        area = self.answers.get("area_m2")
        if area not in (None, ""):
            try:
                validate_area(area)
            except ValidationError as error:
                problems.append(f"“{FIXED_QUESTIONS['area_m2'].label}”：{error.messages[0]}")
        phone = str(self.form_data.get("contact_phone") or "").strip()
        if phone:
            try:
                normalise_phone(phone)
            except ValidationError as error:
                problems.append(error.messages[0].rstrip("。"))
        return problems

    def missing(self) -> list[str]:
        """Chinese descriptions of what is still missing or wrong before submission."""
        problems = []
        if self.kind in (ApplicationKind.NEW, ApplicationKind.CHANGE):
            for field in REQUIRED_FORM_FIELDS:
                if not str(self.form_data.get(field) or "").strip():
                    problems.append(f"未填写“{FORM_FIELDS[field]}”")
            problems += self.fact_problems()
            if not self.chosen_items():
                problems.append("没有需要办理的事项")
        have = set(self.attachments.values_list("purpose", flat=True))
        for purpose in REQUIRED_ATTACHMENTS[self.kind]:
            if purpose not in have:
                problems.append(f"未上传“{AttachmentPurpose(purpose).label}”")
        return problems

    def is_complete(self) -> bool:
        return not self.missing()

    def awaits_correction(self) -> bool:
        """Accepted, and a department asked for a correction (补正) not yet made."""
        return (
            self.status == ApplicationStatus.ACCEPTED
            and self.reviews.filter(status=ReviewStatus.CORRECTION_REQUESTED).exists()
        )

    def is_unsubmitted(self) -> bool:
        """A draft, or an application the window returned: the applicant's to complete."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    def is_editable(self) -> bool:
        """The applicant may change the form and the files: an unsubmitted application, or
        one awaiting a department's correction."""
        return self.is_unsubmitted() or self.awaits_correction()

    def is_signed(self) -> bool:
        return self.signed_document_id is not None

    def is_with_the_window(self) -> bool:
        """帮办代办: the window is still filling this draft in; the applicant waits."""
        from yiyeyizheng.models.assistance import WITH_THE_WINDOW, AssistanceRequest

        return AssistanceRequest.objects.filter(
            application_id=self.pk, status__in=WITH_THE_WINDOW
        ).exists()

    def is_not_with_the_window(self) -> bool:
        return not self.is_with_the_window()

    def is_concluded(self) -> bool:
        """办结: licensed, completed or refused; the applicant may rate the service (好差评)."""
        return self.status in (
            ApplicationStatus.LICENSED,
            ApplicationStatus.COMPLETED,
            ApplicationStatus.REJECTED,
        )

    def all_reviews_approved(self) -> bool:
        statuses = set(self.reviews.values_list("status", flat=True))
        return statuses <= {ReviewStatus.APPROVED}

    def has_rejected_review(self) -> bool:
        return self.reviews.filter(status=ReviewStatus.REJECTED).exists()

    def issues_licence(self) -> bool:
        return self.kind != ApplicationKind.CANCELLATION

    def ends_licence(self) -> bool:
        return self.kind == ApplicationKind.CANCELLATION

    def is_clerk_of(self, user) -> bool:
        return is_window_clerk(user) and of_district(user, self.district_id)

    def is_entity_user(self, user) -> bool:
        return is_enterprise(user) and of_entity(user, self.entity_uscc)

    # --- transitions --------------------------------------------------------------------
    @transition(
        field=status, source=[ApplicationStatus.DRAFT, ApplicationStatus.RETURNED],
        target=ApplicationStatus.SUBMITTED,
        conditions=[is_complete, is_signed, is_not_with_the_window],
        permission=is_entity_user,
    )  # fmt: skip
    def submit(self, *, at):
        """提交: complete and signed; the service numbers it and tells the district's window."""
        self.submitted_at = at
        self.correction_notice = ""

    @transition(
        field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.RETURNED,
        permission=is_clerk_of,
    )  # fmt: skip
    def return_for_correction(self, *, notice):
        """退回补正: one consolidated notice listing everything to correct."""
        self.correction_notice = notice
        self.signed_document = None

    @transition(
        field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.ACCEPTED,
        permission=is_clerk_of,
    )  # fmt: skip
    def accept(self, *, by, at):
        """一口受理: the service routes one review per item and department at once."""
        self.accepted_by, self.accepted_at = by, at

    @transition(
        field=status, source=ApplicationStatus.ACCEPTED, target=ApplicationStatus.APPROVED,
        conditions=[all_reviews_approved],
    )  # fmt: skip
    def approve(self):
        """审批通过: every routed item approved (or nothing to review)."""

    @transition(
        field=status, source=ApplicationStatus.ACCEPTED, target=ApplicationStatus.REJECTED,
        conditions=[has_rejected_review],
    )  # fmt: skip
    def reject(self, *, at):
        """不予许可: a department rejected a required item."""
        self.closed_at = at

    @transition(
        field=status, source=ApplicationStatus.APPROVED, target=ApplicationStatus.LICENSED,
        conditions=[issues_licence],
    )  # fmt: skip
    def license(self, *, licence, at):
        """一证准营: the composite licence (a new one or a new version) is issued."""
        self.licence, self.closed_at = licence, at

    @transition(
        field=status, source=ApplicationStatus.APPROVED, target=ApplicationStatus.COMPLETED,
        conditions=[ends_licence],
    )  # fmt: skip
    def complete(self, *, at):
        """办结: a cancellation has ended the licence."""
        self.closed_at = at

    @transition(
        field=status, source=[ApplicationStatus.DRAFT, ApplicationStatus.RETURNED],
        target=ApplicationStatus.WITHDRAWN, permission=is_entity_user,
    )  # fmt: skip
    def withdraw(self, *, at):
        """撤回: the applicant gives up before acceptance."""
        self.closed_at = at
