"""The one answer to "what is this licence's status today?" (DESIGN.md §7, one truth).

A stored status column records only what was decided (superseded, cancelled, revoked, or
expired by the daily task); whether an undecided licence is in force depends on the date, so
every register model, the certificate and every page, list, count, API answer and check
ask ``licence_state`` instead of reading the column. The querysets' ``in_force(today)``
are the same rule written as a filter, for counts; tests hold the two together.
"""

import datetime

from django.db import models
from django.utils import timezone

#: A licence ending within this many days is shown as 即将到期 (still in force).
EXPIRY_WARNING = datetime.timedelta(days=30)


class LicenceState(models.TextChoices):
    PENDING = "pending", "正在签发"
    NOT_YET_VALID = "not_yet_valid", "尚未生效"
    VALID = "valid", "有效"
    EXPIRING = "expiring", "30日内到期"
    EXPIRED = "expired", "已过期"
    SUPERSEDED = "superseded", "已换发"
    CANCELLED = "cancelled", "已注销"
    REVOKED = "revoked", "已吊销"

    @property
    def in_force(self) -> bool:
        return self in IN_FORCE

    @property
    def badge_class(self) -> str:
        """The badge colour of the state on every page (includes/licence_state_badge.html)."""
        return STATE_BADGES.get(self, "text-bg-danger")


IN_FORCE = frozenset({LicenceState.VALID, LicenceState.EXPIRING})
#: Badge colours by state; every other state (ended) is red.
STATE_BADGES = {
    LicenceState.VALID: "text-bg-success",
    LicenceState.EXPIRING: "text-bg-warning",
    LicenceState.PENDING: "text-bg-secondary",
    LicenceState.NOT_YET_VALID: "text-bg-secondary",
}

#: Stored statuses that are decisions, whatever the date.
DECIDED = {
    "superseded": LicenceState.SUPERSEDED,
    "cancelled": LicenceState.CANCELLED,
    "revoked": LicenceState.REVOKED,
    "expired": LicenceState.EXPIRED,
    "pending_signature": LicenceState.PENDING,
}


def register_date() -> datetime.date:
    """Today in the register's time zone (``TIME_ZONE``, Asia/Shanghai), whatever zone a
    request may have activated; naming it skips the activated-zone lookup, ~6 µs of a token
    check (issue 15)."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def licence_state(
    *,
    status: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    today: datetime.date | None = None,
) -> LicenceState:
    """The licence's state on ``today`` (Asia/Shanghai) from its stored facts.

    ``status`` is the stored column (``active`` or a decision); ``valid_to`` None is 长期.
    """
    if status in DECIDED:
        return DECIDED[status]
    today = today or register_date()
    if today < valid_from:
        return LicenceState.NOT_YET_VALID
    if valid_to is not None:
        if valid_to < today:
            return LicenceState.EXPIRED
        if valid_to - today <= EXPIRY_WARNING:
            return LicenceState.EXPIRING
    return LicenceState.VALID


def in_force_filter(today: datetime.date, *, open_ended: bool = False) -> models.Q:
    """``licence_state(...).in_force`` as a filter on status, valid_from and valid_to."""
    in_period = models.Q(valid_to__gte=today)
    if open_ended:
        in_period |= models.Q(valid_to__isnull=True)
    return models.Q(status="active", valid_from__lte=today) & in_period


def expiring_filter(today: datetime.date) -> models.Q:
    """In force and ending within ``EXPIRY_WARNING`` (the 30日内到期 count)."""
    return in_force_filter(today) & models.Q(valid_to__lte=today + EXPIRY_WARNING)
