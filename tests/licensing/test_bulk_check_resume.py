"""A bulk check commits its verdicts chunk by chunk, so a worker that dies mid-way costs
nothing: the next delivery goes on from the last chunk, every row checked exactly once."""

import csv
import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from licensing import services
from licensing.models import BulkCheckRow
from licensing.services import bulk
from licensing.services.bulk import HEADER
from portal.identifiers import make_food_licence_number
from portal.models import AuditEvent, OutboxMessage
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(xuhui_clerk, monkeypatch):
    """Seven rows in chunks of two: one real merchant, six unknown licences."""
    monkeypatch.setattr(bulk, "CHUNK", 2)
    entity = register(xuhui_clerk, name="上海好味道餐饮有限公司")
    licence = issue_food(xuhui_clerk, entity)
    rows = [[entity.uscc, entity.name, licence.number, licence.premises_address]]
    rows += [
        [entity.uscc, entity.name, unknown, "x"]
        for serial in range(900_000, 900_006)
        for unknown in [make_food_licence_number(subject_type=2, division="310104", serial=serial)]
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(HEADER), *rows])
    return buffer.getvalue().encode()


def _dead_worker_left(check, *, chunks):
    """What a worker killed after ``chunks`` chunks leaves behind: a running check."""
    _, numbered = bulk._claim(check.pk, runner="worker-that-died")
    for _ in range(chunks):
        bulk._check_chunk(check.pk, numbered, runner="worker-that-died")
    check.refresh_from_db()
    return check


def test_a_check_whose_worker_died_is_taken_over_from_its_last_chunk(
    upload, time_machine, settings
):
    # A clock of its own, after the licence was issued (a licence is not valid before it).
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=1), tick=False)
    check = services.create_bulk_check(file_name="list.csv", data=upload)
    check = _dead_worker_left(check, chunks=2)
    assert (check.status, check.done_rows, check.rows.count()) == ("running", 4, 4)

    # A redelivery while the runner may still be alive leaves the check to it.
    assert services.run_bulk_check(bulk_check_id=check.pk, runner="second").done_rows == 4
    time_machine.shift(datetime.timedelta(seconds=settings.BULK_CHECK_STALL_SECONDS))
    check = services.run_bulk_check(bulk_check_id=check.pk, runner="second")

    assert check.status == "done" and check.done_rows == 7 == check.total_rows
    lines = list(check.rows.order_by("line").values_list("line", flat=True))
    assert lines == list(range(2, 9))  # every row once
    assert check.summary == {"许可证不存在": 6, "证照相符": 1}
    resumed = AuditEvent.objects.get(action="bulk_check.resumed")
    assert resumed.changes == {"done_rows": 4, "previous_runner": "worker-that-died"}


def test_a_runner_that_was_taken_over_stops(upload, time_machine, settings):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    check = services.create_bulk_check(file_name="list.csv", data=upload)
    _, numbered = bulk._claim(check.pk, runner="slow")
    time_machine.shift(datetime.timedelta(seconds=settings.BULK_CHECK_STALL_SECONDS))
    services.run_bulk_check(bulk_check_id=check.pk, runner="new")

    check = bulk._check_chunk(check.pk, numbered, runner="slow")

    assert check.status == "done" and check.runner == "new"
    assert check.rows.count() == 7


def test_a_row_cannot_be_recorded_twice(upload):
    check = services.run_bulk_check(
        bulk_check_id=services.create_bulk_check(file_name="list.csv", data=upload).pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BulkCheckRow.objects.create(bulk_check=check, line=2, verdict="match")


def test_a_finished_check_is_left_as_it_is(upload):
    check = services.create_bulk_check(file_name="list.csv", data=upload)
    first = services.run_bulk_check(bulk_check_id=check.pk, runner="a")
    again = services.run_bulk_check(bulk_check_id=check.pk, runner="b")

    assert (again.status, again.finished_at, again.rows.count()) == ("done", first.finished_at, 7)
    assert AuditEvent.objects.filter(action="bulk_check.finished").count() == 1


def test_the_resume_job_sends_a_stalled_check_again_and_it_finishes(
    upload, time_machine, settings, eager_tasks, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=False):  # its worker is about to die
        check = services.create_bulk_check(file_name="list.csv", data=upload)
    check = _dead_worker_left(check, chunks=1)
    assert services.resume_stalled_bulk_checks() == 0  # still within its heartbeat

    time_machine.shift(datetime.timedelta(seconds=settings.BULK_CHECK_STALL_SECONDS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_stalled_bulk_checks() == 1

    check.refresh_from_db()
    message = OutboxMessage.objects.get(task_name="licensing.tasks.run_bulk_check")
    assert check.status == "done" and check.rows.count() == 7
    assert message.args == [check.pk] and message.done_at is not None
