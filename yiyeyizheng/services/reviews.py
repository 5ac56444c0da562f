"""Department reviews (并联审批) and the conclusion of an application.

A department acts only on its own items (``ItemReview.objects.visible_to``). When the last
routed item is approved the application is approved and the composite licence issued (or,
for a cancellation, ended) in the same transaction; one rejection rejects the application.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_fsm import can_proceed

from portal.audit import record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import Application, ItemReview
from yiyeyizheng.services import notify


def _lock_review(acting_user, review: ItemReview) -> ItemReview:
    """The review under a row lock, if it is the acting user's department's; else 404."""
    Application.objects.select_for_update().get(pk=review.application_id)
    try:
        return ItemReview.objects.visible_to(acting_user).select_for_update().get(pk=review.pk)
    except ItemReview.DoesNotExist:
        raise Http404("没有该审查事项。") from None


def _decide(
    acting_user, review, transition: str, action: YiyeyizhengAction, reason: str, needs_reason: bool
):
    review = _lock_review(acting_user, review)
    reason = (reason or "").strip()
    if needs_reason and not reason:
        raise ValidationError({"reason": "请填写理由。"})
    method = getattr(review, transition)
    if not can_proceed(method):
        raise ValidationError(f"该事项{review.get_status_display()}，不能办理此操作。")
    previous = review.status
    method(by=acting_user, at=timezone.now(), reason=reason)
    review.save()
    application = review.application
    record_event(
        actor=acting_user,
        action=action,
        obj=application,
        changes={
            "item": review.permit_name,
            "department": review.department.name,
            "status": [previous, review.status],
            "reason": reason,
        },
    )
    return review, application


@transaction.atomic
def approve_item(*, acting_user, review: ItemReview, reason: str = "") -> ItemReview:
    """准予: the department approves its item; the last approval concludes the application."""
    review, application = _decide(
        acting_user,
        review,
        "approve",
        YiyeyizhengAction.YYZ_REVIEW_APPROVED,
        reason,
        needs_reason=False,
    )
    if application.all_reviews_approved():
        conclude(acting_user=acting_user, application=application)
    return review


@transaction.atomic
def reject_item(*, acting_user, review: ItemReview, reason: str) -> ItemReview:
    """不予许可 with a reason: the whole application is rejected and the applicant told."""
    review, application = _decide(
        acting_user,
        review,
        "reject",
        YiyeyizhengAction.YYZ_REVIEW_REJECTED,
        reason,
        needs_reason=True,
    )
    application.reject(at=timezone.now())
    application.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_REJECTED,
        obj=application,
        changes={"status": ["accepted", "rejected"], "item": review.permit_name},
    )
    notify.applicant(
        application,
        f"一业一证申请 {application.number} 的“{review.permit_name}”不予许可：{review.reason}",
    )
    return review


@transaction.atomic
def request_item_correction(*, acting_user, review: ItemReview, reason: str) -> ItemReview:
    """要求补正 with a reason: the applicant corrects, the review then resumes."""
    review, application = _decide(
        acting_user, review, "request_correction",
        YiyeyizhengAction.YYZ_REVIEW_CORRECTION_REQUESTED, reason, needs_reason=True,
    )  # fmt: skip
    notify.applicant(
        application,
        f"一业一证申请 {application.number} 的“{review.permit_name}”须补正：{review.reason}",
    )
    return review


@transaction.atomic
def remind_overdue_reviews(*, today=None) -> int:
    """Daily: mail each department its pending reviews past due, once a day per review, and
    record the reminder on the application's timeline. Returns how many were reminded."""
    today = today or timezone.localdate()
    due = list(
        ItemReview.objects.overdue(today=today)
        .exclude(reminded_on=today)
        .select_for_update(of=("self",))
        .select_related("application", "department")
    )
    for review in due:
        review.reminded_on = today
        review.save(update_fields=["reminded_on"])
        record_event(
            actor=None,
            action=YiyeyizhengAction.YYZ_REVIEW_OVERDUE_REMINDED,
            obj=review.application,
            changes={"item": review.permit_name, "department": review.department.name,
                     "due_date": review.due_date},
        )  # fmt: skip
        notify.departments(
            [review],
            f"一业一证申请 {review.application.number} 的“{review.permit_name}”已超过办理时限"
            f"（{review.due_date:%Y-%m-%d}），请尽快办理。",
        )
    return len(due)


def conclude(*, acting_user, application: Application) -> Application:
    """Approve an application whose routed items are all approved, then issue the composite
    licence (new, changed or reissued version) or, for a cancellation, end it."""
    from yiyeyizheng.services import licences

    application.approve()
    application.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_APPROVED,
        obj=application,
        changes={"status": ["accepted", "approved"]},
    )
    now = timezone.now()
    if application.ends_licence():
        licences.cancel_licence(acting_user=acting_user, application=application)
        application.complete(at=now)
        application.save()
        record_event(
            actor=acting_user,
            action=YiyeyizhengAction.YYZ_APPLICATION_COMPLETED,
            obj=application,
            changes={"status": ["approved", "completed"], "licence": application.licence.number},
        )
        notify.applicant(application, f"行业综合许可证 {application.licence.number} 已注销。")
        return application
    licence = licences.issue_licence(acting_user=acting_user, application=application)
    application.license(licence=licence, at=now)
    application.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_LICENSED,
        obj=application,
        changes={
            "status": ["approved", "licensed"],
            "licence": licence.number,
            "version": licence.version,
        },
    )
    notify.applicant(
        application,
        f"一业一证申请 {application.number} 已办结：行业综合许可证 {licence.number}"
        f"（第{licence.version}版）已核发。",
    )
    return application
