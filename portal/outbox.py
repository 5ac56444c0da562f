"""The transactional outbox (ADR 0014): tasks the portal must not lose.

A service calls ``enqueue`` inside its own transaction, so the intent commits or rolls back
with the change. After the commit the dispatcher hands the task to Celery and marks the row
dispatched; the task (``portal.taskbase.PortalTask``) marks it done when its service
finished; ``sweep`` (Celery beat, every OUTBOX_SWEEP_SECONDS) sends again what was never
sent (the broker was down at commit time) or not acknowledged within
OUTBOX_REDELIVER_MINUTES. Tasks must therefore be idempotent. With no REDIS_URL Celery runs
eagerly, so the work runs in-process right after the commit, as before.
"""

import dataclasses
import datetime
import logging
from importlib import import_module

from django.db import DatabaseError, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from portal.audit import PortalAction, record_event
from portal.models import OutboxMessage

logger = logging.getLogger(__name__)

#: The keyword argument that carries the message id to the task (PortalTask pops it).
OUTBOX_KWARG = "outbox_message_id"


def _task(task_name: str):
    """The registered Celery task of that name (task names are ``module.function``)."""
    from celery import current_app as app

    import_module(task_name.rpartition(".")[0])
    return app.tasks[task_name]


def enqueue(task_name: str, *args) -> OutboxMessage:
    """Write an outbox row for ``task_name(*args)`` and dispatch it after the commit.

    Must run inside the caller's transaction: the row commits with the change it belongs
    to, and a rollback takes the task with it. ``args`` must be JSON values (ids).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the caller's transaction")
    _task(task_name)  # an unknown name fails here, in the caller, not later in a worker
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    # robust: the change has committed; if even the claim fails, the sweep sends it later.
    transaction.on_commit(lambda: dispatch(message_ids=[message.pk]), robust=True)
    return message


def dispatch(*, message_ids) -> int:
    """Claim the given pending messages and send each to Celery; returns how many went.

    A claimed row gets ``dispatched_at`` and one more attempt in a short transaction of its
    own (row locks, skipping rows another dispatcher holds). A send that fails (broker
    down) is logged and recorded in ``last_error``, the row left unsent for the sweep: the
    request that committed the change never fails for it. In eager mode the task runs inside
    the send, and its own failure is recorded the same way.
    """
    from celery import current_app as app

    with transaction.atomic():
        claimed = list(
            OutboxMessage.objects.pending()
            .filter(pk__in=message_ids)
            .select_for_update(skip_locked=True)
            .order_by("pk")
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            dispatched_at=timezone.now(), attempts=F("attempts") + 1
        )
    sent = 0
    for message in claimed:
        try:
            _task(message.task_name).apply_async(
                args=message.args, kwargs={OUTBOX_KWARG: message.pk}
            )
        except Exception as error:  # noqa: BLE001 - recorded; the sweep sends it again
            logger.warning("outbox message %s not sent: %r", message.pk, error)
            unsent = {} if app.conf.task_always_eager else {"dispatched_at": None}
            _record(message.pk, last_error=f"{type(error).__name__}: {error}"[:500], **unsent)
        else:
            sent += 1
    return sent


def _record(message_id: int, **fields) -> None:
    """Bookkeeping that must not mask the error being recorded (the database may be away)."""
    try:
        OutboxMessage.objects.filter(pk=message_id).update(**fields)
    except DatabaseError as error:
        logger.warning("outbox message %s not updated: %r", message_id, error)


def mark_done(*, message_id: int) -> None:
    """Acknowledge a message: its task's service finished (called by PortalTask)."""
    OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(
        done_at=timezone.now(), last_error=""
    )


def record_error(*, message_id: int, error: BaseException) -> None:
    """Note why a message's task failed; it stays pending for the sweep."""
    _record(message_id, last_error=f"{type(error).__name__}: {error}"[:500])


def sweep(*, limit: int = 1000) -> int:
    """Send again every due message (``OutboxQuerySet.due``); returns how many went.

    Run by Celery beat. Safe to run twice at once: ``dispatch`` claims rows under lock.
    Also deletes messages done more than OUTBOX_KEEP_DAYS ago: nothing reads them.
    """
    from django.conf import settings

    keep = datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    OutboxMessage.objects.filter(done_at__lt=timezone.now() - keep).delete()
    ids = list(OutboxMessage.objects.due().values_list("pk", flat=True)[:limit])
    sent = dispatch(message_ids=ids) if ids else 0
    if ids:
        logger.info("outbox sweep: %s due, %s sent", len(ids), sent)
    return sent


@transaction.atomic
def requeue(*, acting_user, message: OutboxMessage) -> OutboxMessage:
    """Give a message that used up its attempts a fresh start (an administrator's action).

    Resets the attempts and sends it after the commit; audited.
    """
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    previous = message.attempts
    message.attempts, message.dispatched_at = 0, None
    message.save(update_fields=["attempts", "dispatched_at"])
    record_event(
        actor=acting_user,
        action=PortalAction.OUTBOX_REQUEUED,
        obj=message,
        changes={"attempts": previous, "last_error": message.last_error},
    )
    transaction.on_commit(lambda: dispatch(message_ids=[message.pk]))
    return message


@dataclasses.dataclass(frozen=True)
class Backlog:
    """What the outbox still holds: for the readiness check and the operator."""

    pending: int
    given_up: int
    oldest_in_play: datetime.datetime | None  # the oldest pending message still being sent


def backlog() -> Backlog:
    """Count the pending and given-up messages and date the oldest still in play (one query)."""
    from django.conf import settings

    in_play = Q(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
    row = OutboxMessage.objects.pending().aggregate(
        pending=Count("pk"),
        given_up=Count("pk", filter=~in_play),
        oldest_in_play=Min("created_at", filter=in_play),
    )
    return Backlog(**row)
