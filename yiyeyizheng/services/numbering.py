"""Race-free numbers for applications and composite licences (documented in
docs/yiyeyizheng-applications.md).

Each number takes the next value of a portal ``Counter`` (keyed ``yiyeyizheng:<key>``,
ADR 0032) under a row lock, inside the caller's transaction: concurrent submissions never
share a number, and a rolled-back one gives its serial back.
"""

import datetime

from django.core.exceptions import ValidationError

from portal.services import CounterExhausted, take_counter

MAX_SERIAL = 99_999
LICENCE_PREFIX = "沪综许"
#: The prefix of this app's keys among the portal's counters (the data migration uses it too).
COUNTER_NAMESPACE = "yiyeyizheng:"


def next_serial(key: str) -> int:
    """Take the next serial of ``key`` (must run inside a transaction)."""
    try:
        return take_counter(key=counter_key(key), ceiling=MAX_SERIAL)[0]
    except CounterExhausted:
        raise ValidationError("一业一证流水号已用尽，请联系系统管理员。") from None


def counter_key(key: str) -> str:
    """The portal counter's key of a numbering key (``APP-20261123`` → ``yiyeyizheng:…``)."""
    return f"{COUNTER_NAMESPACE}{key}"


def application_number(day: datetime.date) -> str:
    """YYZ + yyyymmdd + 5-digit serial of the day, e.g. YYZ2026112300001."""
    return f"YYZ{day:%Y%m%d}{next_serial(f'APP-{day:%Y%m%d}'):05d}"


def licence_number(*, district_code: str, year: int) -> str:
    """沪综许 + district code + year + 5-digit serial of that district-year,
    e.g. 沪综许310104202600001."""
    serial = next_serial(f"LIC-{district_code}-{year}")
    return f"{LICENCE_PREFIX}{district_code}{year}{serial:05d}"
