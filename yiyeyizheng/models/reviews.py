"""Department reviews (部门审查): one per chosen item and approving department."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from yiyeyizheng.models.applications import (
    Application,
    ApplicationStatus,
    ReviewStatus,
    is_reviewer,
)


class ItemReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A reviewer's own department's items (and own district's, when bound to one)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_wide:
            return self.all()
        if is_reviewer(user):
            mine = self.filter(department_id=user.department_id)
            if user.district_id:
                mine = mine.filter(Q(district__isnull=True) | Q(district_id=user.district_id))
            return mine
        return self.none()

    def open(self):
        return self.filter(
            status__in=[ReviewStatus.PENDING, ReviewStatus.CORRECTION_REQUESTED],
            application__status=ApplicationStatus.ACCEPTED,
        )

    def overdue(self, today=None):
        """Open reviews past their due date (逾期)."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.open().filter(status=ReviewStatus.PENDING, due_date__lt=today)


class ItemReview(models.Model):
    """One department's review of one integrated item of an accepted application."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="reviews"
    )
    format_item = models.ForeignKey(
        "yiyeyizheng.FormatItem", verbose_name="事项", on_delete=models.PROTECT, related_name="+"
    )
    permit_name = models.CharField("事项名称", max_length=80)
    kind = models.CharField("类型", max_length=10)
    department = models.ForeignKey(
        "portal.Department", verbose_name="审批部门", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "portal.District", verbose_name="所属区（区级部门）", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    status = FSMField("状态", default=ReviewStatus.PENDING, choices=ReviewStatus.choices)
    reason = models.TextField("意见", blank=True)
    due_date = models.DateField("办理时限")
    decided_at = models.DateTimeField("办理时间", null=True, blank=True)
    reminded_on = models.DateField("逾期提醒日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    objects = ItemReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "部门审查"
        verbose_name_plural = "部门审查"
        ordering = ["application_id", "format_item__position", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "format_item", "department"], name="review_once_per_item"
            )
        ]

    def __str__(self):
        return f"{self.permit_name}（{self.department}）"

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING

    @property
    def status_badge_class(self) -> str:
        return ReviewStatus(self.status).badge_class

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status == ReviewStatus.PENDING and self.due_date < timezone.localdate()

    def application_accepted(self) -> bool:
        return self.application.status == ApplicationStatus.ACCEPTED

    @transition(
        field=status, source=ReviewStatus.PENDING, target=ReviewStatus.APPROVED,
        conditions=[application_accepted],
    )  # fmt: skip
    def approve(self, *, by, at, reason=""):
        """准予: the department approves its item."""
        self.decided_by, self.decided_at, self.reason = by, at, reason

    @transition(
        field=status, source=ReviewStatus.PENDING, target=ReviewStatus.REJECTED,
        conditions=[application_accepted],
    )  # fmt: skip
    def reject(self, *, by, at, reason):
        """不予许可: ends the whole application."""
        self.decided_by, self.decided_at, self.reason = by, at, reason

    @transition(
        field=status, source=ReviewStatus.PENDING, target=ReviewStatus.CORRECTION_REQUESTED,
        conditions=[application_accepted],
    )  # fmt: skip
    def request_correction(self, *, by, at, reason):
        """要求补正: the applicant corrects, and the review goes back to pending."""
        self.decided_by, self.decided_at, self.reason = by, at, reason

    @transition(
        field=status, source=ReviewStatus.CORRECTION_REQUESTED, target=ReviewStatus.PENDING,
        conditions=[application_accepted],
    )  # fmt: skip
    def reopen(self, *, due_date):
        """The applicant corrected: a fresh time limit starts."""
        self.due_date = due_date
