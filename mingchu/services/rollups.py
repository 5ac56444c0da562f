"""The city roll-up: each run stores a new, numbered revision of a month's summary."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from mingchu.audit import MingchuAction
from mingchu.models import CityRollup, MonthlyReport, ReportStatus
from mingchu.models.reports import FIGURES as REPORTED_FIGURES
from mingchu.models.reports import figure_differences
from mingchu.queries.reports import as_of, past_due
from mingchu.queries.rollups import (
    ReportingStatus,
    district_rows,
    registry_rows,
    sum_rows,
    with_figures,
)
from portal.audit import record_event
from portal.permissions import allows

REVISION_ATTEMPTS = 5


def _reporting(report: dict | None, registry: dict, *, overdue: bool) -> dict:
    """The district's report for the month as the roll-up shows it.

    Only a report standing as submitted counts: its funds and figures are the latest
    submitted ones. A draft may still change, and a returned report was rejected by the city,
    so neither contributes figures; a returned report that is not resubmitted is its own
    status (退回未重报), and no report (or a draft) is 未上报 once the deadline has passed
    and 未到期未报 before.
    """
    entry = {"report_id": None, "submitted_at": None, "funds_wan": None, "reported": None}
    entry["differences"] = {}
    if report is not None:
        entry["report_id"] = report["id"]
    if report is not None and report["status"] == ReportStatus.SUBMITTED:
        entry["status"] = ReportingStatus.LATE if report["is_late"] else ReportingStatus.ON_TIME
        entry["submitted_at"] = report["submitted_at"].isoformat()
        entry["funds_wan"] = str(report["funds_wan"])
        entry["reported"] = {field: report[field] for field in REPORTED_FIGURES}
        entry["differences"] = figure_differences(report, registry)
    elif report is not None and report["status"] == ReportStatus.RETURNED:
        entry["status"] = ReportingStatus.RETURNED
    else:
        entry["status"] = ReportingStatus.MISSING if overdue else ReportingStatus.PENDING
    return entry


def compute_rollup(*, year: int, month: int, now) -> tuple[list[dict], dict]:
    """The per-district rows and the city totals, from three SQL queries (grouped, no loop
    over stores).

    Registry figures are the demo-store registry of the year as it stood at the month's end
    (``as_of``: today for the month under way), the figures the districts' reports were
    pre-filled with and are compared with; the month's reports give the reporting status,
    funds and reported figures.
    """
    rows = registry_rows(year=year, on=as_of(year, month))
    reports = {
        report["district_id"]: report
        for report in MonthlyReport.objects.filter(year=year, month=month).values(
            "id",
            "district_id",
            "status",
            "is_late",
            "submitted_at",
            "funds_wan",
            *REPORTED_FIGURES,
        )
    }
    known = {row["district_code"] for row in rows}
    rows += [
        with_figures(row, {}) for row in district_rows(set(reports) - known, start=len(rows) + 1)
    ]
    overdue = past_due(year, month, now)
    for row in rows:
        row["report"] = _reporting(reports.get(row["district_code"]), row, overdue=overdue)
    return rows, _totals(rows)


def _totals(rows: list[dict]) -> dict:
    totals = sum_rows(rows)
    funds = [Decimal(row["report"]["funds_wan"]) for row in rows if row["report"]["funds_wan"]]
    totals["funds_wan"] = str(sum(funds, Decimal("0.00")))
    totals["reporting"] = {
        status: sum(row["report"]["status"] == status for row in rows) for status in ReportingStatus
    }
    totals["districts"] = len(rows)
    return totals


@transaction.atomic
def build_city_rollup(*, acting_user=None, year: int, month: int) -> CityRollup:
    """Build and store a new revision of the city summary for a month (立即汇总 / monthly run).

    Earlier revisions are never changed. The revision number is the period's previous
    maximum plus one; two concurrent builds collide on the unique (year, month, revision)
    constraint and the loser retries with the next number inside a savepoint. Writes the
    audit event ``rollup.built`` (actor None: the monthly beat run).
    """
    if acting_user is not None and not allows(acting_user, "mingchu.build_rollup"):
        raise PermissionDenied("只有市局人员可以生成全市汇总。")
    if not 1 <= month <= 12:
        raise ValidationError({"month": "月份须在1至12之间。"})
    now = timezone.now()
    rows, totals = compute_rollup(year=year, month=month, now=now)
    period = CityRollup.objects.filter(year=year, month=month)
    for _ in range(REVISION_ATTEMPTS):
        revision = (period.aggregate(last=Max("revision"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                rollup = CityRollup.objects.create(
                    year=year, month=month, revision=revision, rows=rows, totals=totals,
                    built_at=now, built_by=acting_user,
                )  # fmt: skip
        except IntegrityError:
            continue
        break
    else:
        raise IntegrityError(f"no free revision for {year}-{month} after retries")
    record_event(
        actor=acting_user,
        action=MingchuAction.ROLLUP_BUILT,
        obj=rollup,
        changes={
            "revision": revision,
            "completed": totals["completed"],
            "reporting": totals["reporting"],
        },
    )
    return rollup
