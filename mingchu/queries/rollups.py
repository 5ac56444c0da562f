"""The city roll-up (领导小组办公室每月汇总各区进度): periods, stored revisions, trends.

Reads only; ``mingchu.services.rollups.build_city_rollup`` writes the revisions.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Max
from django.db.models.functions import ExtractMonth, ExtractYear

from mingchu.models import (
    REGISTRY_FIGURES,
    STAGE_FIGURES,
    CityRollup,
    DemoStore,
    DistrictQuota,
    LocationType,
    ProjectDeadline,
    StageChange,
)
from portal.models import District


class ReportingStatus(models.TextChoices):
    """How a district's monthly report stands in a roll-up (报送情况), in the order the
    roll-up counts them."""

    ON_TIME = "on_time", "按时上报"
    LATE = "late", "逾期上报"
    RETURNED = "returned", "退回未重报"
    PENDING = "pending", "未到期未报"
    MISSING = "missing", "未上报"

    @property
    def badge_class(self) -> str:
        return REPORTING_BADGES.get(self, "text-bg-danger")


REPORTING_BADGES = {
    ReportingStatus.ON_TIME: "text-bg-success",
    ReportingStatus.LATE: "text-bg-warning",
    ReportingStatus.PENDING: "text-bg-secondary",
}


#: Registry figures of a roll-up row, in the column order of the table and the charts.
FIGURES = REGISTRY_FIGURES
FIGURE_LABELS = {
    "quota_total": "布点数量",
    "stores_selected": "选点完成",
    "video_installed": "视频安装完成",
    "platform_connected": "对接第三方平台",
    "completed": "完成建设",
}
TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent, one decimal, rounded half up; None without a quota."""
    if not whole:
        return None
    return float((Decimal(100 * part) / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP))


#: 附件1's split of a quota: 区域类型 → the row's quota column.
AREA_QUOTAS = {LocationType.FOOD_COURT: "quota_food_court", LocationType.OTHER: "quota_other"}


def _known(cls, stored: dict) -> dict:
    """The keys of a stored (JSON) row that are fields of ``cls``."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in stored.items() if key in names}


@dataclass
class AreaPart:
    """One part of a district's quota (美食广场 or 其他区域) with the registry figures of the
    stores of that 区域类型 and their percentages of that part."""

    label: str = ""
    quota: int = 0
    stores_selected: int = 0
    video_installed: int = 0
    platform_connected: int = 0
    completed: int = 0
    stores_selected_pct: float | None = None
    video_installed_pct: float | None = None
    platform_connected_pct: float | None = None
    completed_pct: float | None = None

    def figure(self, key: str) -> int:
        return getattr(self, key)

    def as_stored(self) -> dict:
        """The part as a stored roll-up or acceptance snapshot keeps it (JSON)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_stored(cls, stored: dict) -> "AreaPart":
        return cls(**_known(cls, stored))


def area_figures(quota: int, counts: dict, *, label: str = "") -> AreaPart:
    """One part of a quota with the counts of its stores and their percentages of it."""
    part = AreaPart(label=label, quota=quota)
    for figure in FIGURES:
        setattr(part, figure, counts.get(figure, 0))
        setattr(part, f"{figure}_pct", percent(getattr(part, figure), quota))
    return part


@dataclass
class Figures:
    """Quota and registry figures with their percentages of the quota total, per part of
    the quota (``area``, keyed by 区域类型) and the stores 逾期未上线 (``overdue``): a
    dashboard cell, a district's row (``RegistryRow``) or the city totals (``sum_rows``).

    Revisions stored before the split have neither ``area`` nor ``overdue``: read back,
    ``area`` is empty and ``overdue`` 0.
    """

    quota_food_court: int = 0
    quota_other: int = 0
    quota_total: int = 0
    stores_selected: int = 0
    video_installed: int = 0
    platform_connected: int = 0
    completed: int = 0
    stores_selected_pct: float | None = None
    video_installed_pct: float | None = None
    platform_connected_pct: float | None = None
    completed_pct: float | None = None
    area: dict[str, AreaPart] = field(default_factory=dict)
    overdue: int = 0

    def figure(self, key: str) -> int:
        """A figure by its name in ``FIGURE_LABELS`` (the charts' series)."""
        return getattr(self, key)

    def part(self, location_type: str) -> AreaPart:
        """A part of the quota; an empty one for a row stored before the split."""
        return self.area.get(location_type) or AreaPart()

    def as_stored(self) -> dict:
        """The figures as a stored roll-up or acceptance snapshot keeps them (JSON)."""
        stored = {f.name: getattr(self, f.name) for f in dataclasses.fields(Figures)}
        stored["area"] = {key: part.as_stored() for key, part in self.area.items()}
        return stored

    @classmethod
    def from_stored(cls, stored: dict):
        """A stored row or totals read back (keys the class does not know are left out)."""
        values = _known(cls, stored)
        values["area"] = {
            key: AreaPart.from_stored(part) for key, part in stored.get("area", {}).items()
        }
        return cls(**values)


@dataclass
class RegistryRow(Figures):
    """One district's quota and registry figures, in 附件1 order (``sort_order``)."""

    sort_order: int = 0
    district_code: str = ""
    district_name: str = ""
    #: The district dashboard's address, set by the page that links it (not stored).
    dashboard_url: str = ""

    def as_stored(self) -> dict:
        row = {"sort_order": self.sort_order, "district_code": self.district_code}
        return row | {"district_name": self.district_name} | super().as_stored()


@dataclass
class RollupTotals(Figures):
    """A roll-up's city totals: the registry's, the districts' funds, how many districts
    reported how (``reporting``: {status: count}) and the number of districts."""

    funds_wan: str = "0.00"
    reporting: dict = field(default_factory=dict)
    districts: int = 0

    def as_stored(self) -> dict:
        return super().as_stored() | {
            "funds_wan": self.funds_wan,
            "reporting": self.reporting,
            "districts": self.districts,
        }


def with_figures(row: Figures, counts: dict, *, areas: dict | None = None, overdue: int = 0):
    """Set the registry counts and their percentages of the quota total on a row, the same
    per part of the quota (``areas``: {location_type: counts}), and how many stores are
    逾期未上线 (``overdue``)."""
    for figure in FIGURES:
        setattr(row, figure, counts.get(figure, 0))
        setattr(row, f"{figure}_pct", percent(getattr(row, figure), row.quota_total))
    areas = areas or {}
    row.area = {
        location_type: area_figures(
            getattr(row, quota),
            areas.get(location_type, {}),
            label=LocationType(location_type).label,
        )
        for location_type, quota in AREA_QUOTAS.items()
    }
    row.overdue = overdue
    return row


def area_summary(row: Figures | None) -> list[str]:
    """A row's progress against each part of its quota, as lines under an exported table."""
    if not row:
        return []

    def pct(value):
        return "—" if value is None else f"{value:g}%"

    return [
        f"{part.label}：布点 {part.quota} 家，选点 {part.stores_selected} 家"
        f"（{pct(part.stores_selected_pct)}），完成建设 {part.completed} 家"
        f"（{pct(part.completed_pct)}）"
        for part in row.area.values()
    ] + [f"逾期未上线：{row.overdue} 家"]


def district_rows(codes, *, start: int) -> list[RegistryRow]:
    """Rows without a quota (zero) for districts that have stores or a report but no quota."""
    if not codes:
        return []
    return [
        RegistryRow(
            sort_order=order, district_code=district.code, district_name=district.short_name
        )
        for order, district in enumerate(District.objects.filter(code__in=codes), start=start)
    ]


def registry_rows(
    *, year: int, district_id: str | None = None, on: datetime.date | None = None
) -> list[RegistryRow]:
    """Quota and registry figures per district in 附件1 order (the quota's 序号), then any
    district with stores but no quota. The figures stand at the end of the day ``on``
    (default today), split into 附件1's two parts, with the stores 逾期未上线 against the
    year's deadline. A constant number of queries: the quotas, the deadline, the registry's
    two grouped queries (``progress_by_area``) and the two of ``overdue_by_district`` — no
    loop over stores.
    """
    quotas = DistrictQuota.objects.for_year(year)
    stores = DemoStore.objects.filter(year=year)
    if district_id is not None:
        quotas, stores = (
            quotas.filter(district_id=district_id),
            stores.filter(district_id=district_id),
        )
    # The same grouped queries as progress_by_district, split by 区域类型 and summed back:
    # every store has one of the two, so the sums are the district's figures.
    by_area = stores.progress_by_area(on=on)
    progress = {
        district: {f: sum(parts[area].get(f, 0) for area in parts) for f in FIGURES}
        for district, parts in by_area.items()
    }
    deadline = ProjectDeadline.objects.for_year(year)
    overdue = stores.overdue_by_district(deadline=deadline, on=on)
    rows = [
        RegistryRow(
            sort_order=order,
            district_code=quota.district_id,
            district_name=quota.district.short_name,
            quota_food_court=quota.food_court,
            quota_other=quota.other_areas,
            quota_total=quota.total,
        )
        for order, quota in enumerate(quotas, start=1)
    ]
    rows += district_rows(set(progress) - {row.district_code for row in rows}, start=len(rows) + 1)
    return [
        with_figures(
            row,
            progress.get(row.district_code, {}),
            areas=by_area.get(row.district_code),
            overdue=overdue.get(row.district_code, 0),
        )
        for row in rows
    ]


def sum_rows(rows: list[Figures]) -> Figures:
    """City totals of quota and registry figures, with percentages of the total quota, per
    part of the quota too (rows of revisions stored before the split count as zero there)."""
    totals = Figures(
        quota_food_court=sum(row.quota_food_court for row in rows),
        quota_other=sum(row.quota_other for row in rows),
        quota_total=sum(row.quota_total for row in rows),
    )
    areas = {
        location_type: {f: sum(row.part(location_type).figure(f) for row in rows) for f in FIGURES}
        for location_type in AREA_QUOTAS
    }
    return with_figures(
        totals,
        {f: sum(row.figure(f) for row in rows) for f in FIGURES},
        areas=areas,
        overdue=sum(row.overdue for row in rows),
    )


def previous_month(today: datetime.date) -> tuple[int, int]:
    """The month before ``today``'s: the period the monthly beat run builds."""
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def rollup_for(year: int, month: int, revision: int | None = None) -> CityRollup | None:
    """A stored revision of a period, the latest one when ``revision`` is None."""
    rollups = CityRollup.objects.filter(year=year, month=month).select_related("built_by")
    if revision is not None:
        return rollups.filter(revision=revision).first()
    return rollups.order_by("-revision").first()


def latest_period() -> tuple[int, int] | None:
    latest = CityRollup.objects.order_by("-year", "-month").values_list("year", "month").first()
    return tuple(latest) if latest else None


def stored_periods(limit: int = 24) -> list[dict]:
    """The most recent periods with at least one revision, and their revision counts."""
    return list(
        CityRollup.objects.order_by()
        .values("year", "month")
        .annotate(revisions=Max("revision"))
        .order_by("-year", "-month")[:limit]
    )


def trend_months(year: int, today: datetime.date) -> list[int]:
    """The months of ``year`` that have ended or are under way (no future months)."""
    if year < today.year:
        return list(range(1, 13))
    if year == today.year:
        return list(range(1, today.month + 1))
    return []


def progress_trend(*, year: int, today: datetime.date, district_id: str | None = None) -> dict:
    """Cumulative 选点 / 视频安装 / 完成建设 counts at the end of each month of ``year``.

    Taken from the dated stage history (StageChange), in one grouped query: a store counts
    in a month from the date it reached the stage, and stages never go back. The stored
    roll-up revisions are no source for a trend: each holds the registry at the moment it
    was built (a late or repeated run shifts it) and a month nobody built has none.
    """
    months = trend_months(year, today)
    changes = StageChange.objects.filter(store__year=year, stage__in=list(STAGE_FIGURES))
    if district_id is not None:
        changes = changes.filter(store__district_id=district_id)
    buckets = (
        changes.order_by()
        .annotate(y=ExtractYear("on"), m=ExtractMonth("on"))
        .values("y", "m", "stage")
        .annotate(n=Count("store_id", distinct=True))
    )
    series = {figure: [0] * len(months) for figure in STAGE_FIGURES.values()}
    for bucket in buckets:
        figure = STAGE_FIGURES[bucket["stage"]]
        for index, month in enumerate(months):
            if (bucket["y"], bucket["m"]) <= (year, month):
                series[figure][index] += bucket["n"]
    return {"months": months, "series": series}
