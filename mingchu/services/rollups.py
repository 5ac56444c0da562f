"""The city roll-up: each run stores a new, numbered revision of a month's summary."""

import dataclasses
from dataclasses import dataclass, field
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
    Figures,
    RegistryRow,
    ReportingStatus,
    RollupTotals,
    district_rows,
    registry_rows,
    sum_rows,
    with_figures,
)
from portal.audit import record_event
from portal.permissions import allows

REVISION_ATTEMPTS = 5


@dataclass
class RollupReport:
    """How a district's report for the month stands in a roll-up (stored with its row)."""

    report_id: int | None = None
    submitted_at: str | None = None
    funds_wan: str | None = None
    reported: dict | None = None
    differences: dict = field(default_factory=dict)
    status: str = ReportingStatus.PENDING


def _reporting(report: dict | None, registry: dict, *, overdue: bool) -> RollupReport:
    """The district's report for the month as the roll-up shows it.

    Only a report standing as submitted counts: its funds and figures are the latest
    submitted ones. A draft may still change, and a returned report was rejected by the city,
    so neither contributes figures; a returned report that is not resubmitted is its own
    status (退回未重报), and no report (or a draft) is 未上报 once the deadline has passed
    and 未到期未报 before.
    """
    entry = RollupReport(report_id=None if report is None else report["id"])
    if report is not None and report["status"] == ReportStatus.SUBMITTED:
        entry.status = ReportingStatus.LATE if report["is_late"] else ReportingStatus.ON_TIME
        entry.submitted_at = report["submitted_at"].isoformat()
        entry.funds_wan = str(report["funds_wan"])
        entry.reported = {figure: report[figure] for figure in REPORTED_FIGURES}
        entry.differences = figure_differences(report, registry)
    elif report is not None and report["status"] == ReportStatus.RETURNED:
        entry.status = ReportingStatus.RETURNED
    else:
        entry.status = ReportingStatus.MISSING if overdue else ReportingStatus.PENDING
    return entry


def compute_rollup(*, year: int, month: int, now) -> tuple[list[dict], dict]:
    """The per-district rows and the city totals, from three SQL queries (grouped, no loop
    over stores).

    Registry figures are the demo-store registry of the year as it stood at the month's end
    (``as_of``: today for the month under way), the figures the districts' reports were
    pre-filled with and are compared with; the month's reports give the reporting status,
    funds and reported figures. Built as ``RegistryRow``, ``RollupReport`` and
    ``RollupTotals``, returned as the JSON the revision stores.
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
    known = {row.district_code for row in rows}
    rows += [
        with_figures(row, {}) for row in district_rows(set(reports) - known, start=len(rows) + 1)
    ]
    overdue = past_due(year, month, now)
    entries = [
        _reporting(reports.get(row.district_code), row.as_stored(), overdue=overdue) for row in rows
    ]
    stored = [
        row.as_stored() | {"report": dataclasses.asdict(entry)}
        for row, entry in zip(rows, entries, strict=True)
    ]
    return stored, _totals(rows, entries).as_stored()


def _totals(rows: list[RegistryRow], entries: list[RollupReport]) -> RollupTotals:
    figures = sum_rows(rows)
    funds = [Decimal(entry.funds_wan) for entry in entries if entry.funds_wan]
    return RollupTotals(
        **{f.name: getattr(figures, f.name) for f in dataclasses.fields(Figures)},
        funds_wan=str(sum(funds, Decimal("0.00"))),
        reporting={
            status: sum(entry.status == status for entry in entries) for status in ReportingStatus
        },
        districts=len(rows),
    )


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
