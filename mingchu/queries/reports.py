"""Monthly district progress reports (附件3): deadlines and registry figures."""

import calendar
import datetime

from django.utils import timezone

from mingchu.models import DemoStore
from mingchu.models.reports import (  # noqa: F401 (re-exported: the deadline rule's home)
    FIGURES,
    SHANGHAI,
    due_at,
    past_due,
)


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
