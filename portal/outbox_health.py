"""The outbox backlog as a django-health-check check, for ``/readyz``.

Degraded when a task still being sent has waited longer than OUTBOX_BACKLOG_MAX_MINUTES:
the worker, the broker or beat's sweep is not doing its job. A warning, not a failure: the
web nodes still serve, and taking them out of rotation would not help the workers.
Messages that used up their attempts (``OutboxQuerySet.given_up``) do not count: they wait
for an administrator in the admin (待办任务).
"""

import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceWarning

from portal import outbox


@dataclasses.dataclass
class OutboxBacklog(HealthCheck):
    def run(self) -> None:
        state = outbox.backlog()
        limit = datetime.timedelta(minutes=settings.OUTBOX_BACKLOG_MAX_MINUTES)
        if state.oldest_in_play is not None and timezone.now() - state.oldest_in_play > limit:
            raise ServiceWarning(
                f"{state.pending} outbox tasks pending, the oldest since "
                f"{state.oldest_in_play:%Y-%m-%d %H:%M:%S%z}"
            )
