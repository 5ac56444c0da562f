"""/healthz says the process answers; /readyz says what works, what is degraded, what
is down (503), in JSON an operator and docker-compose can read."""

import logging
import time

import pytest
from celery import Celery
from django.test import Client
from health_check.exceptions import ServiceWarning

from elicense import services
from portal.health import CeleryWorkers
from portal.log_filters import OncePerInterval
from tests.faults import private_redis, use_redis


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no db fixture: a query would raise here

    assert response.status_code == 200 and response.content == b"ok"


@pytest.fixture
def ready(transactional_db, eager_tasks):
    """A node with an active signing key; tasks in-process (no worker to ask)."""
    services.create_signing_key()


def _readiness(client):
    response = client.get("/readyz")
    body = response.json()
    return (
        response.status_code,
        body["status"],
        {name.split("(")[0]: check["status"] for name, check in body["checks"].items()},
        body,
    )


def test_readyz_is_ok_when_everything_answers(client, ready):
    status, overall, checks, _ = _readiness(client)

    assert (status, overall) == (200, "ok")
    assert checks == {
        "Database": "ok",
        "Redis": "ok",
        "CeleryWorkers": "ok",
        "SigningKeys": "ok",
        "RateLimiter": "ok",
        "VerificationLog": "ok",
        "OutboxBacklog": "ok",
    }


def test_an_undrained_verification_log_is_reported_as_degraded(client, ready, settings):
    """ADR 0024: checks waiting in the stream with no drainer running."""
    import uuid

    from django.utils import timezone

    from elicense.services import verification_log

    with private_redis() as server:
        use_redis(settings, server.url)
        settings.VERIFICATION_LOG = "stream"
        verification_log._writer = verification_log._Writer()
        assert _readiness(client)[2]["VerificationLog"] == "ok"  # nothing waiting
        verification_log.log_check(
            check_id=uuid.uuid4(), created_at=timezone.now(), channel="api", result="valid",
            certificate_id=None, holder_uscc="", verifier_id=None, verifier_label="探针",
            relying_party_id=None, client_address=None,
        )  # fmt: skip
        settings_stale = verification_log.STALE_SECONDS
        verification_log.STALE_SECONDS = 0.0
        try:
            status, overall, checks, body = _readiness(client)
        finally:
            verification_log.STALE_SECONDS = settings_stale
            verification_log._writer = verification_log._Writer()

    assert (status, overall, checks["VerificationLog"]) == (200, "degraded", "degraded")
    message = next(c["message"] for n, c in body["checks"].items() if n.startswith("Verif"))
    assert "积压 1 批未写入" in message


def test_readyz_is_503_when_the_passphrase_cannot_decrypt_the_signing_key(client, ready, settings):
    settings.ELICENSE_KEY_PASSPHRASE = "not-the-passphrase-of-this-key"

    status, overall, checks, body = _readiness(client)

    assert (status, overall, checks["SigningKeys"]) == (503, "unavailable", "unavailable")
    message = next(c["message"] for n, c in body["checks"].items() if n.startswith("Signing"))
    assert "无法解密" in message


def test_without_redis_the_node_stays_ready_and_says_what_is_degraded(client, ready, settings):
    with private_redis() as server:
        use_redis(settings, server.url)
        assert _readiness(client)[1] == "ok"
        server.kill()

        status, overall, checks, body = _readiness(Client())

    assert (status, overall) == (200, "degraded")
    assert checks["Redis"] == checks["RateLimiter"] == "degraded"
    assert checks["Database"] == checks["SigningKeys"] == "ok"
    limiter = next(c["message"] for n, c in body["checks"].items() if n.startswith("RateLimiter"))
    assert "按每个进程分别计数" in limiter


def test_a_lost_broker_is_reported_within_a_second_or_two():
    with private_redis() as server:
        server.kill()
        # Not the current app: the tests after this one (in any order, ADR 0034) still send
        # their tasks through the portal's app.
        app = Celery("readiness-test", broker=server.url, set_as_current=False)
        check = CeleryWorkers(app=app)
        started = time.monotonic()
        with pytest.raises(ServiceWarning, match="任务队列"):
            check.run()
    assert time.monotonic() - started < 3


def test_repeated_log_lines_pass_once_a_minute():
    once = OncePerInterval(seconds=60)
    record = logging.LogRecord(
        "portal.cache", logging.ERROR, __file__, 1, "Exception ignored", None, None
    )

    assert [once.filter(record) for _ in range(3)] == [True, False, False]
