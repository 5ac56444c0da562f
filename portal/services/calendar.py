"""Writes of the working-day calendar (portal.workdays reads it); audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.audit import PortalAction, record_event
from portal.models.reference import YEARS

#: The years a calendar may be entered for.
CALENDAR_YEARS = YEARS  # the one year range (portal.models.reference)


@transaction.atomic
def set_calendar_year(*, acting_user, year: int, text: str) -> dict:
    """Replace the working-day calendar of ``year`` by the schedule in ``text``.

    ``text`` has one entry per line (``2026-10-01..2026-10-07 国庆节``, ``2026-10-01 国庆节``,
    ``2026-10-10 调休上班``; see ``portal.workdays.parse_calendar_text``). Every line is
    checked first: any bad line raises a ``ValidationError`` naming each bad line, and
    nothing is written. Otherwise deletes the year's ``CalendarDay`` rows, creates the new
    ones and writes one audit event ``calendar.year_set`` with the counts, which it returns
    (``year``, ``holidays``, ``workdays``, ``replaced``: rows deleted). An empty ``text``
    clears the year.
    """
    from portal.models import CalendarDay
    from portal.workdays import parse_calendar_text

    if year not in CALENDAR_YEARS:
        raise ValidationError(
            {"year": f"年份应在 {CALENDAR_YEARS.start} 至 {CALENDAR_YEARS.stop - 1} 之间。"}
        )
    entries = parse_calendar_text(year, text)
    days = [
        CalendarDay(date=day, kind=entry.kind, name=entry.name)
        for entry in entries
        for day in entry.days()
    ]
    replaced, _ = CalendarDay.objects.filter(date__year=year).delete()
    try:
        with transaction.atomic():
            CalendarDay.objects.bulk_create(days)
    except IntegrityError:
        raise ValidationError("另一位管理员正在修改该年度的工作日历，请稍后重试。") from None
    counts = {
        "year": year,
        "holidays": sum(d.kind == CalendarDay.Kind.HOLIDAY for d in days),
        "workdays": sum(d.kind == CalendarDay.Kind.WORKDAY for d in days),
        "replaced": replaced,
    }
    record_event(
        actor=acting_user,
        action=PortalAction.CALENDAR_YEAR_SET,
        object_type="portal.calendaryear",
        object_id=str(year),
        object_repr=f"{year}年工作日历",
        changes=counts,
    )
    return counts
