"""The one Celery task base of the portal (``task_cls`` of the app in config/celery.py).

Retries only transient errors: a database or broker connection that dropped, a timeout.
A programming error fails at once, loudly, instead of five to ten times. Late
acknowledgement: a task whose worker dies is delivered again (tasks are idempotent).
A task sent through the outbox gets its message id as a keyword argument, which this base
takes off before the task body runs and uses to acknowledge the message once the body
returned, or to record why it failed.
"""

import logging

import kombu.exceptions
import redis.exceptions
from celery import Task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

#: Errors worth retrying: the same call may well succeed a little later.
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)


class PortalTask(Task):
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5
    acks_late = True
    reject_on_worker_lost = True
    # The outbox adds its keyword argument to every call; the body's signature lacks it.
    typing = False

    def __call__(self, *args, **kwargs):
        from portal import outbox

        message_id = kwargs.pop(outbox.OUTBOX_KWARG, None)
        result = super().__call__(*args, **kwargs)
        if message_id is not None:
            outbox.mark_done(message_id=message_id)
        return result

    def _note(self, exc, kwargs):
        from portal import outbox

        message_id = (kwargs or {}).get(outbox.OUTBOX_KWARG)
        if message_id is not None:
            outbox.record_error(message_id=message_id, error=exc)

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        self._note(exc, kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        self._note(exc, kwargs)
