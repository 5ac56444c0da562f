"""Monthly district reports: open pre-filled, edit without lost updates, submit, return."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from mingchu.models import MonthlyReport, ReportStatus, ReportVersion
from mingchu.reports import due_at, registry_figures
from portal.audit import record_event
from portal.models import Role

EDITABLE = (
    "reporting_unit", "statistician", "phone", "stores_selected", "video_installed",
    "platform_connected", "funds_wan", "issues_and_suggestions", "explanation",
)  # fmt: skip


def _require_officer_of(user, district_id):
    if user.role != Role.DISTRICT_OFFICER or user.district_id != district_id:
        raise PermissionDenied("只有本区区局人员可以填报本区报表。")


@transaction.atomic
def open_report(*, acting_user, year: int, month: int) -> MonthlyReport:
    """The district's report for a month, created pre-filled from the registry."""
    _require_officer_of(acting_user, acting_user.district_id)
    figures = registry_figures(district_id=acting_user.district_id, year=year)
    report, created = MonthlyReport.objects.get_or_create(
        district_id=acting_user.district_id,
        year=year,
        month=month,
        defaults={"registry": figures, **figures},
    )
    if created:
        record_event(actor=acting_user, action="report.opened", obj=report, changes=figures)
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
    report.registry = registry_figures(district_id=report.district_id, year=report.year)
    report.version += 1
    report.save()
    record_event(
        actor=acting_user, action="report.saved", obj=report, changes={"fields": sorted(fields)}
    )
    return report


@transaction.atomic
def submit_report(*, acting_user, report, expected_version: int) -> MonthlyReport:
    """上报: lock the report, mark it late after the deadline, keep this version.

    A figure that differs from the registry needs an explanation; the difference stays
    visible to the city (``differences()``).
    """
    report = _locked(report, expected_version)
    _require_officer_of(acting_user, report.district_id)
    report.registry = registry_figures(district_id=report.district_id, year=report.year)
    if report.differences() and not report.explanation.strip():
        raise ValidationError({"explanation": "填报数量与示范店登记不一致，请说明原因。"})
    missing = [f for f in ("reporting_unit", "statistician", "phone") if not getattr(report, f)]
    if missing:
        raise ValidationError({f: "请填写。" for f in missing})
    now = timezone.now()
    report.submit(at=now, late=now > due_at(report.year, report.month))
    report.version += 1
    report.save()
    content = model_to_dict(report, fields=[*EDITABLE, "registry"])
    content["funds_wan"] = str(content["funds_wan"])
    ReportVersion.objects.create(
        report=report,
        number=report.versions.count() + 1,
        content=content,
        submitted_by=acting_user,
        submitted_at=now,
    )
    record_event(
        actor=acting_user,
        action="report.submitted",
        obj=report,
        changes={"late": report.is_late, "differences": report.differences()},
    )
    return report


@transaction.atomic
def return_report(*, acting_user, report, reason: str) -> MonthlyReport:
    """The city returns a submitted report for correction, with a reason."""
    if acting_user.role != Role.CITY_OFFICER:
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
        actor=acting_user, action="report.returned", obj=report, changes={"reason": reason}
    )
    return report
