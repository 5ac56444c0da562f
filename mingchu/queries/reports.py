"""Monthly district progress reports (附件3): deadlines and registry figures."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from mingchu.models import DemoStore
from mingchu.models.reports import FIGURES

SHANGHAI = ZoneInfo("Asia/Shanghai")


def due_at(year: int, month: int) -> datetime.datetime:
    """23:59:59 Asia/Shanghai on the 30th, or on the last day of a shorter month."""
    day = min(30, calendar.monthrange(year, month)[1])
    return datetime.datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


def as_of(year: int, month: int) -> datetime.date:
    """The day whose end a month's figures stand at: the month's last day (23:59), or today
    for the month under way, which counts up to now."""
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return min(last, timezone.localdate())


def registry_figures(*, district_id: str, year: int, month: int) -> dict[str, int]:
    """What the demo-store registry of ``year`` said for a district at the end of ``month``
    (the pre-filled values, and what a report is compared with)."""
    figures = DemoStore.objects.filter(district_id=district_id, year=year).progress_by_district(
        on=as_of(year, month)
    )
    counts = figures.get(district_id, {})
    return {field: counts.get(field, 0) for field in FIGURES}
