"""A stored roll-up revision as the page and the PDF show it: labels, dates, links, charts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from mingchu.models import CityRollup
from mingchu.queries.rollups import FIGURE_LABELS, ReportingStatus
from mingchu.views import charts


def rollup_title(rollup: CityRollup) -> str:
    return (
        "上海市“互联网＋明厨亮灶”示范店建设进度汇总"
        f"（{rollup.year}年{rollup.month}月 第{rollup.revision}版）"
    )


def _report_url(report_id):
    """The city's view of a district report (where it can be returned)."""
    return None if report_id is None else reverse("mingchu:report_detail", args=[report_id])


def display_rows(rollup: CityRollup) -> list[dict]:
    """The stored rows with labels, dates and links for the page and the PDF."""
    rows = []
    for stored in rollup.rows:
        row = dict(stored)
        report = dict(row["report"])
        report["status_label"] = ReportingStatus(report["status"]).label
        if report["submitted_at"]:
            submitted = datetime.datetime.fromisoformat(report["submitted_at"])
            report["submitted_at"] = timezone.localtime(submitted)
        report["differences"] = [
            {"label": FIGURE_LABELS[field], "registry": pair[0], "reported": pair[1]}
            for field, pair in report["differences"].items()
        ]
        report["url"] = _report_url(report["report_id"])
        row["report"] = report
        row["dashboard_url"] = reverse("mingchu:district_dashboard", args=[row["district_code"]])
        rows.append(row)
    return rows


def reporting_counts(rollup: CityRollup) -> list[dict]:
    counts = rollup.totals["reporting"]
    return [
        {"status": status, "label": status.label, "count": counts[status]}
        for status in ReportingStatus
    ]


def summary_context(rollup: CityRollup) -> dict:
    return {
        "title": rollup_title(rollup),
        "rows": display_rows(rollup),
        "totals": rollup.totals,
        "reporting": reporting_counts(rollup),
        "progress_chart": charts.progress_chart(
            rollup.rows, chart_id="rollup-progress", title=f"{rollup}：各区布点与建设进度"
        ),
    }
