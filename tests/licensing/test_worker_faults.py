"""Faults with the real services: a private Redis and real Celery worker and beat processes
against the PostgreSQL test database. Each test starts what it kills.

- a worker killed with SIGKILL in the middle of a 20,000-row bulk check: a new worker and
  the periodic resume job finish it, every row once;
- Redis down while a licence is issued and a bulk check uploaded: once Redis is back, beat's
  outbox sweep gets the certificate signed and the check done, with nobody running anything.
"""

import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.db import connection

from elicense.models import Certificate
from licensing import services
from licensing.models import BulkCheck, BulkCheckRow
from licensing.services.bulk import HEADER
from portal.identifiers import make_food_licence_number, make_uscc
from portal.models import AuditEvent, OutboxMessage
from tests.conftest import KEY_PASSPHRASE, celery_broker, require
from tests.factories import issue_food, register

ROWS = 20_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, seconds=60, step=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Redis:
    """A private redis-server on a free port, with no persistence: stop loses everything."""

    def __init__(self, port: int):
        self.port, self.process = port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def _up(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        assert _wait_for(self._up, seconds=10), "redis-server did not start"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self._up()


class Services:
    """Worker and beat processes on a queue of their own, using the test database."""

    def __init__(self, redis_url: str, queue: str, schedule):
        db = connection.settings_dict
        self.schedule = schedule
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "CELERY_QUEUES_BY_KIND": "false",  # one private queue takes every kind
            "ELICENSE_KEY_PASSPHRASE": KEY_PASSPHRASE,
            "OUTBOX_SWEEP_SECONDS": "2",
            "BULK_CHECK_STALL_SECONDS": "2",
        }
        self.queue, self.processes = queue, []

    def _start(self, *args) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 - our own processes, fixed arguments
            [sys.executable, "-m", "celery", "-A", "config", *args, "-l", "warning"],
            env=self.env,
            cwd=settings.BASE_DIR,
        )
        self.processes.append(process)
        return process

    def worker(self) -> subprocess.Popen:
        return self._start(
            "worker", "-Q", self.queue, "--pool", "solo", "--without-heartbeat",
            "--without-gossip", "--without-mingle",
        )  # fmt: skip

    def beat(self) -> subprocess.Popen:
        return self._start("beat", "-s", str(self.schedule))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "needs redis-server")
    server = Redis(_free_port())
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def celery_processes(transactional_db, private_redis, tmp_path, settings):
    """Worker and beat factory; this process sends its tasks to the same private Redis."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    settings.BULK_CHECK_STALL_SECONDS = 2
    settings.CELERY_QUEUES_BY_KIND = False
    processes = Services(private_redis.url, f"fault-{uuid.uuid4().hex[:8]}", tmp_path / "beat")
    with celery_broker(private_redis.url) as app:
        default_queue = app.conf.task_default_queue
        app.conf.task_default_queue = processes.queue
        try:
            yield processes
        finally:
            app.conf.task_default_queue = default_queue
            processes.stop_all()


def _merchant_list(clerk) -> bytes:
    """20,000 rows: three real merchants, the rest unknown but well-formed."""
    rows = []
    for n in range(3):
        entity = register(clerk, name=f"上海真实{n}号餐饮有限公司")
        licence = issue_food(clerk, entity)
        rows.append([entity.uscc, entity.name, licence.number, licence.premises_address])
    for n in range(ROWS - len(rows)):
        uscc = make_uscc(division="310104", org_body=f"7{n:07d}")
        number = make_food_licence_number(subject_type=2, division="310104", serial=n + 1)
        rows.append([uscc, f"上海某{n}号小吃店", number, "上海市徐汇区某路1号"])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(HEADER), *rows])
    return buffer.getvalue().encode()


def _check(pk) -> BulkCheck:
    return BulkCheck.objects.defer("source", "result").get(pk=pk)


def test_a_worker_killed_mid_check_is_replaced_and_every_row_is_checked_once(
    celery_processes, xuhui_clerk, signing_key
):
    data = _merchant_list(xuhui_clerk)
    first = celery_processes.worker()
    celery_processes.beat()  # its resume job looks for silent checks every two seconds
    check = services.create_bulk_check(file_name="merchants.csv", data=data)

    assert _wait_for(lambda: _check(check.pk).done_rows >= 2_000, step=0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = _check(check.pk)
    assert killed_at.status == "running" and 2_000 <= killed_at.done_rows < ROWS

    celery_processes.worker()

    assert _wait_for(lambda: _check(check.pk).status == "done", seconds=120)
    check = _check(check.pk)
    lines = BulkCheckRow.objects.filter(bulk_check=check)
    assert check.total_rows == check.done_rows == ROWS
    assert lines.count() == ROWS and lines.values("line").distinct().count() == ROWS
    assert sum(check.summary.values()) == ROWS and check.summary["证照相符"] == 3
    assert AuditEvent.objects.filter(action="bulk_check.resumed", object_id=str(check.pk)).exists()
    assert AuditEvent.objects.filter(action="bulk_check.finished").count() == 1


def test_work_committed_while_redis_was_down_is_done_once_it_is_back(
    celery_processes, private_redis, xuhui_clerk, signing_key
):
    celery_processes.worker()
    celery_processes.beat()
    private_redis.stop()

    entity = register(xuhui_clerk)  # the clerk's request succeeds: the task waits in the outbox
    check = services.create_bulk_check(file_name="merchants.csv", data=_merchant_list_small())
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    assert certificate.status == "pending_signature" and _check(check.pk).status == "queued"
    unsent = OutboxMessage.objects.filter(dispatched_at__isnull=True, done_at__isnull=True)
    assert unsent.count() == 2 and all("Error" in m.last_error for m in unsent)

    private_redis.start()

    assert _wait_for(lambda: not OutboxMessage.objects.pending().exists(), seconds=90)
    assert Certificate.objects.get(pk=certificate.pk).status == "active"
    assert _check(check.pk).status == "done"


def _merchant_list_small() -> bytes:
    number = make_food_licence_number(subject_type=2, division="310104", serial=1)
    uscc = make_uscc(division="310104", org_body="70000001")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(HEADER), [uscc, "上海某小吃店", number, "某路1号"]])
    return buffer.getvalue().encode()
