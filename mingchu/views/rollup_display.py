"""A stored roll-up revision as the page and the PDF show it: labels, dates, links, charts."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from mingchu.models import CityRollup
from mingchu.queries.rollups import FIGURE_LABELS, Figures, RegistryRow, ReportingStatus
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


@dataclass
class DisplayReport:
    """A district's report in a stored roll-up, as the page and the PDF show it."""

    status: ReportingStatus
    status_label: str
    submitted_at: datetime.datetime | None
    funds_wan: str | None
    reported: dict | None
    differences: list[FigureDifference]
    url: str | None


@dataclass
class DisplayRow(RegistryRow):
    """A stored roll-up row with its report, labels, dates and links."""

    report: DisplayReport | None = None


@dataclass
class RollupTotals(Figures):
    """A stored roll-up's city totals."""

    funds_wan: str = "0.00"
    districts: int = 0


@dataclass(frozen=True)
class ReportingCount:
    status: ReportingStatus
    label: str
    count: int


def _known(cls, stored: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in stored.items() if key in names}


def _display_report(stored: dict) -> DisplayReport:
    submitted = stored["submitted_at"]
    status = ReportingStatus(stored["status"])
    return DisplayReport(
        status=status,
        status_label=status.label,
        submitted_at=(
            timezone.localtime(datetime.datetime.fromisoformat(submitted)) if submitted else None
        ),
        funds_wan=stored["funds_wan"],
        reported=stored["reported"],
        differences=[
            FigureDifference(FIGURE_LABELS[figure], pair[0], pair[1])
            for figure, pair in stored["differences"].items()
        ],
        url=_report_url(stored["report_id"]),
    )


def display_rows(rollup: CityRollup) -> list[DisplayRow]:
    """The stored rows with labels, dates and links for the page and the PDF."""
    rows = []
    for stored in rollup.rows:
        row = DisplayRow(**_known(DisplayRow, stored))
        row.report = _display_report(stored["report"])
        row.dashboard_url = reverse("mingchu:district_dashboard", args=[row.district_code])
        rows.append(row)
    return rows


def reporting_counts(rollup: CityRollup) -> list[ReportingCount]:
    counts = rollup.totals["reporting"]
    return [ReportingCount(status, status.label, counts[status]) for status in ReportingStatus]


def summary_context(rollup: CityRollup) -> dict:
    rows = display_rows(rollup)
    return {
        "title": rollup_title(rollup),
        "rows": rows,
        "totals": RollupTotals(**_known(RollupTotals, rollup.totals)),
        "reporting": reporting_counts(rollup),
        "progress_chart": charts.progress_chart(
            rows, chart_id="rollup-progress", title=f"{rollup}：各区布点与建设进度"
        ),
    }
