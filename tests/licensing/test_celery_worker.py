"""A real Celery worker process takes the expiry task from Redis and writes PostgreSQL."""

import datetime
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from health_check.exceptions import ServiceWarning

from config.celery import app as celery_app
from elicense.models import Certificate
from elicense.verification import verify_token
from licensing.models import FoodLicence
from licensing.tasks import expire_food_licences
from portal.health import CeleryWorkers
from portal.models import AuditEvent
from tests.conftest import KEY_PASSPHRASE, require
from tests.factories import issue_food, register


@pytest.fixture
def worker(transactional_db, settings):
    """A worker on a queue of its own, connected to the test database, that takes every
    kind of task (queues by kind off, on both sides)."""
    require(bool(settings.REDIS_URL), "needs REDIS_URL")
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CELERY_QUEUE": queue,
        "CELERY_QUEUES_BY_KIND": "false",
        "ELICENSE_KEY_PASSPHRASE": KEY_PASSPHRASE,
    }
    process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-l", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    # Tasks queued on commit by the code under test go to this worker's queue too.
    settings.CELERY_QUEUES_BY_KIND = False
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    yield queue
    celery_app.conf.task_default_queue = default_queue
    process.terminate()
    process.wait(timeout=30)


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def test_worker_expires_licences_from_the_redis_queue(worker, xuhui_clerk):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    entity = register(xuhui_clerk)
    licence = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2019, 3, 1))

    expire_food_licences.apply_async(queue=worker)

    assert _wait_for(lambda: FoodLicence.objects.get(pk=licence.pk).status == "expired")
    assert AuditEvent.objects.filter(action="food_licence.expired", actor=None).count() == 1


def test_worker_signs_a_certificate_queued_on_commit(worker, xuhui_clerk, signing_key):
    entity = register(xuhui_clerk)  # commits: the signing task goes to Redis
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)

    assert _wait_for(lambda: Certificate.objects.get(pk=certificate.pk).status == "active")
    certificate.refresh_from_db()
    assert certificate.key_id == signing_key.kid
    assert verify_token(certificate.signature, channel="api").result == "valid"


def test_readiness_hears_the_worker_on_its_queue(worker):
    check = CeleryWorkers(app=celery_app)

    def answers():
        try:
            check.run()
        except ServiceWarning:
            return False
        return True

    assert _wait_for(answers)
