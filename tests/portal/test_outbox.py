"""The transactional outbox: a task commits with its change, is sent after the commit, and is
swept again until its task acknowledges it (ADR 0014)."""

import datetime
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, transaction
from health_check.exceptions import ServiceWarning

from config.celery import app as celery_app
from elicense import services as elicense_services
from elicense.models import Certificate
from portal import outbox
from portal.models import AuditEvent, OutboxMessage
from portal.outbox_health import OutboxBacklog
from tests.conftest import celery_broker
from tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Celery sends to a Redis address nothing listens on, as when Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with celery_broker(f"redis://127.0.0.1:{port}/0"):
        yield


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        outbox.enqueue("elicense.tasks.sign_certificate", 1)
    assert not OutboxMessage.objects.exists()


def test_an_unknown_task_fails_in_the_caller():
    with transaction.atomic(), pytest.raises(KeyError):
        outbox.enqueue("elicense.tasks.no_such_task", 1)


def test_a_rolled_back_change_takes_its_task_with_it(xuhui_clerk, signing_key):
    with pytest.raises(RuntimeError, match="窗口关闭"), transaction.atomic():
        register(xuhui_clerk)
        assert OutboxMessage.objects.filter(task_name="elicense.tasks.sign_certificate").exists()
        raise RuntimeError("窗口关闭")

    assert not OutboxMessage.objects.exists()
    assert not Certificate.objects.exists()


def test_a_licence_is_signed_after_commit_and_its_message_acknowledged(
    xuhui_clerk, signing_key, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        entity = register(xuhui_clerk)

    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    message = OutboxMessage.objects.get()
    assert certificate.status == "active"
    assert message.task_name == "elicense.tasks.sign_certificate"
    assert message.args == [certificate.pk]
    assert message.attempts == 1 and message.dispatched_at and message.done_at
    assert message.last_error == ""


def test_a_broker_outage_at_commit_loses_nothing_and_the_sweep_sends_it_later(
    xuhui_clerk, signing_key, django_capture_on_commit_callbacks, broker_down
):
    with django_capture_on_commit_callbacks(execute=True):
        entity = register(xuhui_clerk)  # the clerk's request succeeds all the same

    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None and message.done_at is None
    assert message.attempts == 1 and "OperationalError" in message.last_error
    assert list(OutboxMessage.objects.due()) == [message]
    assert outbox.sweep() == 0  # Redis still down: still pending, nothing lost

    celery_app.conf.task_always_eager = True  # Redis is back (eager: the worker is here)
    assert outbox.sweep() == 1

    message.refresh_from_db()
    assert Certificate.objects.get(holder_uscc=entity.uscc).status == "active"
    assert message.done_at is not None and message.attempts == 3


def test_a_licence_issued_before_any_key_is_signed_by_the_sweep_once_a_key_exists(
    xuhui_clerk, django_capture_on_commit_callbacks, eager_tasks, time_machine, settings
):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        entity = register(xuhui_clerk)
    message = OutboxMessage.objects.get()
    assert message.done_at is None and "没有签发中的密钥" in message.last_error
    time_machine.shift(datetime.timedelta(minutes=settings.OUTBOX_REDELIVER_MINUTES - 1))
    assert outbox.sweep() == 0  # sent, not yet overdue

    elicense_services.create_signing_key()
    time_machine.shift(datetime.timedelta(minutes=2))
    assert outbox.sweep() == 1

    message.refresh_from_db()
    assert Certificate.objects.get(holder_uscc=entity.uscc).status == "active"
    assert message.done_at is not None and message.attempts == 2
    time_machine.shift(datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS, minutes=1))
    outbox.sweep()
    assert not OutboxMessage.objects.exists()  # done a week ago: deleted


def test_the_sweep_gives_up_after_the_maximum_and_an_administrator_requeues(
    xuhui_clerk, django_capture_on_commit_callbacks, eager_tasks, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        register(xuhui_clerk)  # no signing key: the task fails
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.update(dispatched_at=message.dispatched_at - datetime.timedelta(days=1))
    assert list(OutboxMessage.objects.given_up()) == [message]
    assert not OutboxMessage.objects.due().exists()

    elicense_services.create_signing_key()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.requeue(acting_user=xuhui_clerk, message=message)

    message.refresh_from_db()
    assert message.done_at is not None and message.attempts == 1
    assert AuditEvent.objects.filter(action="outbox.requeued", object_id=str(message.pk)).exists()


def test_every_task_retries_transient_errors_only_and_is_acknowledged_late():
    celery_app.autodiscover_tasks(
        ["portal", "elicense", "licensing", "yiyeyizheng", "mingchu"], force=True
    )
    tasks = [task for name, task in celery_app.tasks.items() if not name.startswith("celery.")]
    assert {"elicense.tasks.sign_certificate", "licensing.tasks.run_bulk_check",
            "portal.tasks.sweep_outbox"} <= {task.name for task in tasks}  # fmt: skip
    for task in tasks:
        retried = task.autoretry_for
        assert Exception not in retried, task.name
        assert not any(issubclass(ImproperlyConfigured, kind) for kind in retried), task.name
        assert not any(issubclass(ZeroDivisionError, kind) for kind in retried), task.name
        assert issubclass(OperationalError, retried) and issubclass(InterfaceError, retried)
        assert task.acks_late and task.reject_on_worker_lost, task.name


def test_readiness_fails_only_while_a_task_in_play_waits_too_long(
    xuhui_clerk, django_capture_on_commit_callbacks, eager_tasks, time_machine, settings
):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        register(xuhui_clerk)  # no signing key yet: the task stays pending
    check = OutboxBacklog()
    check.run()  # just written: ready

    time_machine.shift(datetime.timedelta(minutes=settings.OUTBOX_BACKLOG_MAX_MINUTES + 1))
    assert outbox.backlog() == outbox.Backlog(
        pending=1, given_up=0, oldest_in_play=OutboxMessage.objects.get().created_at
    )
    with pytest.raises(ServiceWarning, match="1 outbox tasks pending"):
        check.run()

    OutboxMessage.objects.update(attempts=settings.OUTBOX_MAX_ATTEMPTS)  # given up
    assert outbox.backlog().given_up == 1
    check.run()  # waits for an administrator; the web nodes stay in rotation
