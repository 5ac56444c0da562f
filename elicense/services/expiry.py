"""The nightly expiry of certificates whose validity ended (到期), for every register."""

import datetime

from django.db import transaction
from django.utils import timezone

from elicense.models import Certificate
from elicense.models.certificates import LIVE
from elicense.services.certificates import expire_certificate


def expire_ended_certificates(*, today: datetime.date | None = None) -> int:
    """Mark live certificates whose validity ended before ``today`` expired; returns how many.

    Each expiry is its own short transaction with its audit and change event
    (``expire_certificate``), so the feed gets one ``expired`` event per certificate,
    exactly once: a second run, or a register's own expiry later (food licences), finds the
    certificate no longer live. Registers keep their own rows; their state was already
    ``expired`` by date (ADR 0018).
    """
    today = today or timezone.localdate()
    ended = Certificate.objects.filter(status__in=LIVE, valid_to__lt=today).values_list(
        "pk", flat=True
    )
    count = 0
    for pk in list(ended):
        with transaction.atomic():
            if expire_certificate(certificate=Certificate(pk=pk)).status == "expired":
                count += 1
    return count
