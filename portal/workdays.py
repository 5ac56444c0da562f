"""Working days (工作日): Monday to Friday, less public holidays, plus make-up workdays.

A day is a working day when the calendar (``portal.models.CalendarDay``) marks it 调休上班日,
or when it is Monday to Friday and not marked 法定节假日. The calendar is entered each year
by an administrator from the State Council notice, in the text format that
``parse_calendar_text`` reads (see README, 工作日历)::

    # 国务院办公厅关于2026年部分节假日安排的通知
    2026-10-01..2026-10-07 国庆节
    2026-10-10 调休上班

Reads only; the writes are ``portal.services.set_calendar_year``.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from portal.models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)

#: The name that marks a make-up workday; any name ending in 上班 does too.
WORKDAY_NAME = "调休上班"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _working(day: datetime.date, kind: str | None) -> bool:
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    return day.weekday() < 5


def _kinds(first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
    """The calendar's marks from ``first`` to ``last`` inclusive: one query."""
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind")
    return dict(rows)


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day (one query)."""
    kind = CalendarDay.objects.filter(date=day).values_list("kind", flat=True).first()
    return _working(day, kind)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day strictly after ``start`` (``start`` itself when 0).

    Loads the calendar for ``start`` .. ``start + days * 3 + 30`` in one query, which covers
    any real schedule (the longest holiday is about nine days); only when the marked days
    exhaust that window is the next window loaded.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days > 0:
        last = day + datetime.timedelta(days=days * 3 + 30)
        kinds = _kinds(day + ONE_DAY, last)
        while days > 0 and day < last:
            day += ONE_DAY
            if _working(day, kinds.get(day)):
                days -= 1
    return day


# --- the yearly schedule as text -------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One parsed line: a day or a range of days of the same kind and name."""

    line: int
    first: datetime.date
    last: datetime.date
    kind: str
    name: str

    def days(self):
        day = self.first
        while day <= self.last:
            yield day
            day += ONE_DAY


def _parse_date(text: str, line: int, year: int) -> datetime.date:
    if not _DATE.fullmatch(text):
        raise ValidationError(f"第{line}行：日期格式应为 YYYY-MM-DD。")
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"第{line}行：日期 {text} 不存在。") from None
    if day.year != year:
        raise ValidationError(f"第{line}行：日期 {text} 不在 {year} 年内。")
    return day


def _parse_line(text: str, line: int, year: int) -> Entry:
    when, name = (*re.split(r"\s+", text, maxsplit=1), "")[:2]
    first_text, separator, last_text = when.partition("..")
    first = _parse_date(first_text, line, year)
    last = _parse_date(last_text, line, year) if separator else first
    if last < first:
        raise ValidationError(f"第{line}行：结束日期 {last} 早于开始日期 {first}。")
    kind = CalendarDay.Kind.WORKDAY if name.endswith("上班") else CalendarDay.Kind.HOLIDAY
    if kind == CalendarDay.Kind.HOLIDAY and not name:
        raise ValidationError(f"第{line}行：请写明节假日名称，如“{first} 国庆节”。")
    if len(name) > CalendarDay._meta.get_field("name").max_length:
        raise ValidationError(f"第{line}行：名称最多 20 个字。")
    if kind == CalendarDay.Kind.WORKDAY:
        weekdays = [f"{d}" for d in Entry(line, first, last, kind, name).days() if d.weekday() < 5]
        if weekdays:
            raise ValidationError(f"第{line}行：{'、'.join(weekdays)} 调休上班日必须是周六或周日。")
    return Entry(line, first, last, kind, name)


def parse_calendar_text(year: int, text: str) -> list[Entry]:
    """Read a year's schedule, one entry per line; raise one ``ValidationError`` that names
    every bad line (malformed or missing date, outside ``year``, range reversed, workday on a
    weekday, a date given twice). Blank lines and ``#`` comments are skipped."""
    entries, errors, seen = [], [], {}
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            entry = _parse_line(stripped, number, year)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        repeated = [(d, seen[d]) for d in entry.days() if d in seen]
        if repeated:
            day, other = repeated[0]
            more = f"等 {len(repeated)} 天" if len(repeated) > 1 else ""
            errors.append(f"第{number}行：日期 {day}{more} 与第{other}行重复。")
            continue
        seen.update(dict.fromkeys(entry.days(), number))
        entries.append(entry)
    if errors:
        raise ValidationError(errors)
    return entries


def format_calendar_year(year: int) -> str:
    """The year's entries in the import format, consecutive days of one name as a range."""
    rows = CalendarDay.objects.filter(date__year=year).order_by("date")
    groups: list[list] = []
    for row in rows:
        if groups:
            previous = groups[-1]
            same = (previous[2], previous[3]) == (row.kind, row.name)
            if same and previous[1] + ONE_DAY == row.date:
                previous[1] = row.date
                continue
        groups.append([row.date, row.date, row.kind, row.name])
    lines = []
    for first, last, kind, name in groups:
        when = f"{first}" if first == last else f"{first}..{last}"
        label = name or (WORKDAY_NAME if kind == CalendarDay.Kind.WORKDAY else "")
        lines.append(f"{when} {label}".rstrip())
    return "\n".join(lines)
