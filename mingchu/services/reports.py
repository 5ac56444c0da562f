"""Monthly district reports: open pre-filled, edit without lost updates, submit, return,
remind the districts that have not reported as the deadline nears."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from mingchu.audit import MingchuAction
from mingchu.models import MonthlyReport, ReportReminder, ReportStatus, ReportVersion
from mingchu.models.quotas import YEARS
from mingchu.queries.reports import due_at, registry_figures
from mingchu.queries.stores import store_table_as_of
from portal import outbox
from portal.audit import record_event
from portal.middleware import public_base_url
from portal.models import District, Role, User
from portal.permissions import allows
from portal.services import notify_users

EDITABLE = (
    "reporting_unit", "statistician", "phone", "stores_selected", "video_installed",
    "platform_connected", "funds_wan", "issues_and_suggestions", "explanation",
)  # fmt: skip


def _require_officer_of(user, district_id):
    if not allows(user, "mingchu.file_report", district_id):
        raise PermissionDenied("只有本区区局人员可以填报本区报表。")


def _this_month() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, today.month


@transaction.atomic
def open_report(*, acting_user, year: int, month: int) -> MonthlyReport:
    """The district's report for a month, created pre-filled from the registry. A month
    outside the project's years, or one that has not begun, is refused."""
    _require_officer_of(acting_user, acting_user.district_id)
    if year not in YEARS or (year, month) > _this_month():
        raise ValidationError(f"不能填报 {year}年{month}月 的报表：该月份不在可填报范围内。")
    figures = registry_figures(district_id=acting_user.district_id, year=year, month=month)
    report, created = MonthlyReport.objects.get_or_create(
        district_id=acting_user.district_id,
        year=year,
        month=month,
        defaults={"registry": figures, **figures},
    )
    if created:
        record_event(
            actor=acting_user, action=MingchuAction.REPORT_OPENED, obj=report, changes=figures
        )
    return report


def _locked(report, expected_version) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.version != expected_version:
        raise ValidationError("该报表已被他人修改，请刷新后再编辑（您的修改未保存）。")
    return report


@transaction.atomic
def save_report(*, acting_user, report, expected_version: int, **fields) -> MonthlyReport:
    """Save a draft. Two people editing at once: the second save is refused, not merged."""
    report = _locked(report, expected_version)
    _require_officer_of(acting_user, report.district_id)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError("报表已上报，已锁定；如需修改请市局退回。")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(report, field, value)
    report.registry = registry_figures(
        district_id=report.district_id, year=report.year, month=report.month
    )
    report.version += 1
    report.save()
    record_event(
        actor=acting_user,
        action=MingchuAction.REPORT_SAVED,
        obj=report,
        changes={"fields": sorted(fields)},
    )
    return report


@transaction.atomic
def submit_report(*, acting_user, report, expected_version: int) -> MonthlyReport:
    """上报: lock the report, mark it late after the deadline, keep this version with the
    district's 附件4 table as it stood at the month's end ("各区要于每月30日前…上报（附件3、
    附件4）"), taken in this transaction: each resubmission keeps a new version of both.

    A figure that differs from the registry needs an explanation; the difference stays
    visible to the city (``differences()``).
    """
    report = _locked(report, expected_version)
    _require_officer_of(acting_user, report.district_id)
    report.registry = registry_figures(
        district_id=report.district_id, year=report.year, month=report.month
    )
    if report.differences() and not report.explanation.strip():
        raise ValidationError({"explanation": "填报数量与示范店登记不一致，请说明原因。"})
    missing = [f for f in ("reporting_unit", "statistician", "phone") if not getattr(report, f)]
    if missing:
        raise ValidationError({f: "请填写。" for f in missing})
    now = timezone.now()
    report.submit(at=now, late=report.late_at(now))
    report.version += 1
    report.save()
    content = model_to_dict(report, fields=[*EDITABLE, "registry"])
    content["funds_wan"] = str(content["funds_wan"])
    ReportVersion.objects.create(
        report=report,
        number=report.versions.count() + 1,
        content=content,
        stores=store_table_as_of(
            district_id=report.district_id, year=report.year, month=report.month
        ),
        submitted_by=acting_user,
        submitted_at=now,
    )
    record_event(
        actor=acting_user,
        action=MingchuAction.REPORT_SUBMITTED,
        obj=report,
        changes={
            "late": report.is_late,
            "differences": report.differences(),
            "version": report.versions.count(),
        },
    )
    return report


@dataclass(frozen=True)
class SaveAndSubmit:
    """What 上报 on the form did: the saved report, submitted unless ``refusal`` says why not
    (the draft is kept then, and the form shows the reason)."""

    report: MonthlyReport
    refusal: ValidationError | None = None


@transaction.atomic
def save_and_submit_report(
    *, acting_user, report, expected_version: int, **fields
) -> SaveAndSubmit:
    """The form's 上报, in one transaction: save the draft, then submit it. A refused
    submission (a figure unexplained, a contact missing) rolls back to the saved draft, which
    commits with the refusal returned; a refused save (someone else's edit) raises."""
    saved = save_report(
        acting_user=acting_user, report=report, expected_version=expected_version, **fields
    )
    try:
        with transaction.atomic():
            submitted = submit_report(
                acting_user=acting_user, report=saved, expected_version=saved.version
            )
    except ValidationError as refusal:
        return SaveAndSubmit(report=MonthlyReport.objects.get(pk=saved.pk), refusal=refusal)
    return SaveAndSubmit(report=submitted)


@transaction.atomic
def return_report(*, acting_user, report, reason: str) -> MonthlyReport:
    """The city returns a submitted report for correction, with a reason."""
    if not allows(acting_user, "mingchu.return_report"):
        raise PermissionDenied("只有市局人员可以退回报表。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "退回须填写原因。"})
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("只有已上报的报表可以退回。")
    report.send_back(reason=reason.strip())
    report.version += 1
    report.save()
    record_event(
        actor=acting_user,
        action=MingchuAction.REPORT_RETURNED,
        obj=report,
        changes={"reason": reason},
    )
    notify_users(  # the district hears at once, not at its next visit to the list
        users=_district_officers(report.district_id),
        message=f"{report.year}年{report.month}月明厨亮灶进度报表被市局退回修改：{reason.strip()}",
        link=reverse("mingchu:report_edit", args=[report.pk]),
    )
    return report


def reminder_window(today: datetime.date) -> bool:
    """Whether ``today`` is within MINGCHU_REMINDER_DAYS days before this month's deadline."""
    days_left = (due_at(today.year, today.month).date() - today).days
    return 0 <= days_left <= settings.MINGCHU_REMINDER_DAYS


def _district_officers(district_id):
    return User.objects.filter(
        role=Role.DISTRICT_OFFICER, district_id=district_id, is_active=True
    ).order_by("pk")


def send_report_reminders(*, today: datetime.date | None = None) -> list[ReportReminder]:
    """催报: remind every district that has not submitted this month's report.

    Runs daily; acts only within MINGCHU_REMINDER_DAYS days before the due date. Each
    district is reminded once per month (the ReportReminder row is the guard, also against
    two runs at once): an in-portal notice to each of its officers, an audit event, and an
    e-mail to the officers with an address, through the outbox. Returns the reminders
    sent by this run.
    """
    today = today or timezone.localdate()
    if not reminder_window(today):
        return []
    year, month = today.year, today.month
    submitted = MonthlyReport.objects.filter(
        year=year, month=month, status=ReportStatus.SUBMITTED
    ).values("district_id")
    reminded = ReportReminder.objects.filter(year=year, month=month).values("district_id")
    districts = District.objects.exclude(code__in=submitted).exclude(code__in=reminded)
    sent = []
    for district in districts:
        reminder = _remind_district(district=district, year=year, month=month)
        if reminder is not None:
            sent.append(reminder)
    return sent


def _remind_district(*, district, year: int, month: int) -> ReportReminder | None:
    due = due_at(year, month)
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(district=district, year=year, month=month)
            notified = notify_users(
                users=_district_officers(district.pk),
                message=(
                    f"{year}年{month}月明厨亮灶月度报表（附件3）尚未上报，"
                    f"请于{due.month}月{due.day}日 23:59 前上报。"
                ),
                link=reverse("mingchu:report_list"),
            )
            record_event(
                actor=None,
                action=MingchuAction.REPORT_REMINDED,
                obj=reminder,
                changes={"due": due.date().isoformat(), "notified": notified},
            )
            outbox.enqueue("mingchu.tasks.email_report_reminder", reminder.pk)
    except IntegrityError:  # another run reminded this district a moment ago
        return None
    return reminder


def email_report_reminder(*, reminder_id: int) -> int:
    """E-mail one reminder to its district's officers who have an address (one message).

    Sent through the configured EMAIL_BACKEND; nothing is written, so a retry after a mail
    server failure sends the same message again. Returns the number of recipients.
    """
    reminder = ReportReminder.objects.select_related("district").get(pk=reminder_id)
    recipients = [user.email for user in _district_officers(reminder.district_id).exclude(email="")]
    if not recipients:
        return 0
    due = due_at(reminder.year, reminder.month)
    EmailMessage(
        subject=f"【催报】{reminder.year}年{reminder.month}月明厨亮灶月度报表",
        body=(
            f"{reminder.district}：\n\n"
            f"贵区{reminder.year}年{reminder.month}月“互联网＋明厨亮灶”区月度报表（附件3）"
            f"尚未上报，请于{due.year}年{due.month}月{due.day}日 23:59 前登录门户上报：\n"
            f"{public_base_url()}{reverse('mingchu:report_list')}\n"
        ),
        to=recipients,
    ).send()
    return len(recipients)
