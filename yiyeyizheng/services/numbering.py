"""Race-free numbers for applications and composite licences (documented in
docs/yiyeyizheng-applications.md).

Each number takes the next serial of a ``NumberCounter`` row under a row lock, inside the
caller's transaction: concurrent submissions never share a number, and a rolled-back one
gives its serial back.
"""

import datetime

from django.core.exceptions import ValidationError

from yiyeyizheng.models import NumberCounter

MAX_SERIAL = 99_999
LICENCE_PREFIX = "沪综许"


def next_serial(key: str) -> int:
    """Take the next serial of ``key`` (must run inside a transaction)."""
    NumberCounter.objects.bulk_create([NumberCounter(key=key)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(key=key)
    if counter.last_serial >= MAX_SERIAL:
        raise ValidationError("一业一证流水号已用尽，请联系系统管理员。")
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    return counter.last_serial


def application_number(day: datetime.date) -> str:
    """YYZ + yyyymmdd + 5-digit serial of the day, e.g. YYZ2026112300001."""
    return f"YYZ{day:%Y%m%d}{next_serial(f'APP-{day:%Y%m%d}'):05d}"


def licence_number(*, district_code: str, year: int) -> str:
    """沪综许 + district code + year + 5-digit serial of that district-year,
    e.g. 沪综许310104202600001."""
    serial = next_serial(f"LIC-{district_code}-{year}")
    return f"{LICENCE_PREFIX}{district_code}{year}{serial:05d}"
