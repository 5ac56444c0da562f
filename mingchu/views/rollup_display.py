"""A stored roll-up revision as the page and the PDF show it: labels, dates, links, charts.

The revision's JSON is read back into dataclasses (``DisplayRow``, ``DisplayReport``,
``RollupTotals``, ``ReportingCount``); revisions stored before the 美食广场/其他区域 split
display with an empty ``area`` and ``overdue`` 0.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from mingchu.models import CityRollup
from mingchu.queries.rollups import FIGURE_LABELS, RegistryRow, ReportingStatus, RollupTotals
from mingchu.views import charts


def rollup_title(rollup: CityRollup) -> str:
    return (
        "上海市“互联网＋明厨亮灶”示范店建设进度汇总"
        f"（{rollup.year}年{rollup.month}月 第{rollup.revision}版）"
    )


def _report_url(report_id):
    """The city's view of a district report (where it can be returned)."""
    return None if report_id is None else reverse("mingchu:report_detail", args=[report_id])


@dataclass(frozen=True)
class FigureDifference:
    """A figure a district reported differently from the registry."""

    label: str
    registry: int | None
    reported: int | None


@dataclass(frozen=True)
class DisplayReport:
    """A district's report in a stored roll-up, as the page and the PDF show it."""

    status: ReportingStatus
    status_label: str
    submitted_at: datetime.datetime | None
    funds_wan: str | None
    reported: dict | None
    differences: list[FigureDifference]
    url: str | None

    @classmethod
    def from_stored(cls, stored: dict) -> "DisplayReport":
        submitted = stored["submitted_at"]
        status = ReportingStatus(stored["status"])
        return cls(
            status=status,
            status_label=status.label,
            submitted_at=(
                timezone.localtime(datetime.datetime.fromisoformat(submitted))
                if submitted
                else None
            ),
            funds_wan=stored["funds_wan"],
            reported=stored["reported"],
            differences=[
                FigureDifference(FIGURE_LABELS[figure], pair[0], pair[1])
                for figure, pair in stored["differences"].items()
            ],
            url=_report_url(stored["report_id"]),
        )


@dataclass
class DisplayRow(RegistryRow):
    """A stored roll-up row with its report, labels, dates and links."""

    report: DisplayReport | None = None


@dataclass(frozen=True)
class ReportingCount:
    """How many districts reported how (报送完整性与及时性)."""

    status: ReportingStatus
    label: str
    count: int


def display_rows(rollup: CityRollup) -> list[DisplayRow]:
    """The stored rows with labels, dates and links for the page and the PDF."""
    rows = []
    for stored in rollup.rows:
        row = DisplayRow.from_stored({k: v for k, v in stored.items() if k != "report"})
        row.report = DisplayReport.from_stored(stored["report"])
        row.dashboard_url = reverse("mingchu:district_dashboard", args=[row.district_code])
        rows.append(row)
    return rows


def reporting_counts(totals: RollupTotals) -> list[ReportingCount]:
    return [
        ReportingCount(status, status.label, totals.reporting[status]) for status in ReportingStatus
    ]


def summary_context(rollup: CityRollup) -> dict:
    rows = display_rows(rollup)
    totals = RollupTotals.from_stored(rollup.totals)
    return {
        "title": rollup_title(rollup),
        "rows": rows,
        "totals": totals,
        "reporting": reporting_counts(totals),
        "progress_chart": charts.progress_chart(
            rows, chart_id="rollup-progress", title=f"{rollup}：各区布点与建设进度"
        ),
    }
