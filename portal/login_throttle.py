"""A growing delay for a username that many addresses are guessing (ADR 0013).

django-axes locks the (username, address) pair and the address after LOGIN_FAILURE_LIMIT
failures. It never locks a username alone: anyone could then lock ``admin`` or a named
clerk out, from anywhere, again and again. A username guessed from many addresses is
slowed down instead: once it has LOGIN_FAILURE_LIMIT failures in the cool-off window,
from all addresses together (each counting at most LOGIN_FAILURE_LIMIT), every password
check for it waits one second first,
doubling with each further LOGIN_FAILURE_LIMIT failures, up to LOGIN_DELAY_MAX_SECONDS.
The owner still signs in, after the wait; each guess costs the guesser that wait.
"""

import time

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def failures_against(username: str) -> int:
    """Failed sign-ins for ``username`` in the cool-off window, each address counting at
    most LOGIN_FAILURE_LIMIT: one locked address that keeps trying cannot drive the delay
    up; only more addresses can."""
    limit = settings.AXES_FAILURE_LIMIT
    since = timezone.now() - get_cool_off()
    per_address = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"))
        .values_list("n", flat=True)
    )
    return sum(min(n, limit) for n in per_address)


def delay_for(failures: int) -> float:
    """Seconds to wait before checking a password for a username with ``failures``."""
    limit = settings.AXES_FAILURE_LIMIT
    if failures < limit:
        return 0.0
    return min(float(settings.LOGIN_DELAY_MAX_SECONDS), 2.0 ** ((failures - limit) // limit))


class UsernameDelayBackend:
    """Waits out the username's delay, then lets the next backend check the password.

    Listed after axes' backend, which refuses a locked pair or address at once (so a
    locked guesser never holds a worker), and before ModelBackend. It authenticates
    nobody: it always returns None, and has no ``get_user`` so that no session is ever
    bound to it. Being a backend, it covers the portal's login page and the admin's alike.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            time.sleep(delay_for(failures_against(username)))
        return None
