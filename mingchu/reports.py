"""Monthly district progress reports (附件3): deadlines and registry figures."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from mingchu.models import DemoStore
from mingchu.models.reports import FIGURES

SHANGHAI = ZoneInfo("Asia/Shanghai")


def due_at(year: int, month: int) -> datetime.datetime:
    """23:59:59 Asia/Shanghai on the 30th, or on the last day of a shorter month."""
    day = min(30, calendar.monthrange(year, month)[1])
    return datetime.datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


def registry_figures(*, district_id: str, year: int) -> dict[str, int]:
    """What the demo-store registry says for a district (the pre-filled values)."""
    figures = DemoStore.objects.filter(district_id=district_id, year=year).progress_by_district()
    counts = figures.get(district_id, {})
    return {field: counts.get(field, 0) for field in FIGURES}
