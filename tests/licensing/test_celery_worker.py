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

from licensing.models import FoodLicence
from licensing.tasks import expire_food_licences
from portal.models import AuditEvent
from tests.conftest import require
from tests.factories import issue_food, register


@pytest.fixture
def worker(transactional_db):
    """A worker on a queue of its own, connected to the test database."""
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
    }
    process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue,
         "--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-l", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    yield queue
    process.terminate()
    process.wait(timeout=30)


def test_worker_expires_licences_from_the_redis_queue(worker, xuhui_clerk):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    entity = register(xuhui_clerk)
    licence = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2019, 3, 1))

    expire_food_licences.apply_async(queue=worker)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if FoodLicence.objects.get(pk=licence.pk).status == "expired":
            break
        time.sleep(0.25)
    assert FoodLicence.objects.get(pk=licence.pk).status == "expired"
    assert AuditEvent.objects.filter(action="food_licence.expired", actor=None).count() == 1
