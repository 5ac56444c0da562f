"""End to end: a clerk revokes a licence and a platform's receiver, a real process on
loopback running the receiver of docs/api.md, has the event within 5 seconds, delivered by
a real Celery worker through a private Redis; what changed before it listened it fetched
from the feed of a live portal."""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from elicense.services import webhooks
from elicense.services.relying_parties import create_relying_party
from licensing import services as register_services
from portal import ratelimit
from tests.conftest import celery_broker, require
from tests.factories import register
from tests.faults import free_port, private_redis
from tests.licensing.test_worker_faults import Services, _wait_for

RECEIVER = Path(__file__).resolve().parents[2] / "docs" / "examples" / "change_receiver.py"


class ReceiverProcess:
    """``python docs/examples/change_receiver.py``; collects the events it prints."""

    def __init__(self, env: dict):
        self.events = []
        self.process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            [sys.executable, str(RECEIVER)], env={**os.environ, **env},
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.events.append((time.monotonic(), json.loads(line)))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    settings.CELERY_QUEUES_BY_KIND = False  # the private worker's one queue takes every kind
    with private_redis() as redis_server, celery_broker(redis_server.url) as app:
        services = Services(redis_server.url, f"feed-{uuid.uuid4().hex[:8]}", tmp_path / "beat")
        default_queue = app.conf.task_default_queue
        app.conf.task_default_queue = services.queue
        try:
            services.worker()
            yield services
        finally:
            app.conf.task_default_queue = default_queue
            services.stop_all()


def test_a_revocation_reaches_a_real_receiver_within_five_seconds(
    worker, live_server, xuhui_clerk, signing_key
):
    settings.DEBUG = True  # loopback http endpoints are for development
    try:
        party, key = create_relying_party(name="美团外卖", peak_qps=1000)
        ratelimit.reset(party.pk)
        party.city_wide_changes = True
        party.save()
        entity = register(xuhui_clerk, name="上海端到端餐饮有限公司")
        port = free_port()
        _, secret = webhooks.register_endpoint(
            acting_user=None, party=party, url=f"http://127.0.0.1:{port}/hooks"
        )
    finally:
        settings.DEBUG = False
    receiver = ReceiverProcess(
        {"WEBHOOK_SECRET": secret, "PORTAL_URL": live_server.url, "PORTAL_API_KEY": key,
         "PORT": str(port)}
    )  # fmt: skip
    try:
        # Before it listens, it caught up from the feed: the licence issued, then signed.
        assert _wait_for(lambda: len(receiver.events) >= 2, seconds=30)

        revoked_at = time.monotonic()
        register_services.revoke_entity(acting_user=xuhui_clerk, entity=entity, reason="违法经营")

        assert _wait_for(lambda: len(receiver.events) >= 3, seconds=5)
        arrived_at, event = receiver.events[-1]
        assert arrived_at - revoked_at < 5
        assert (event["event_type"], event["uscc"], event["state"]) == (
            "revoked", entity.uscc, "revoked",
        )  # fmt: skip
        sequences = [e["sequence"] for _, e in receiver.events]
        assert sequences == sorted(set(sequences))
        assert [e["event_type"] for _, e in receiver.events] == ["issued", "signed", "revoked"]
    finally:
        receiver.stop()
