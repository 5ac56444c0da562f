"""The 查验记录 through the Redis stream (ADR 0024): real Redis, real drainer processes."""

import multiprocessing
import os
import signal
import uuid

import pytest
import redis
from django.db import connections
from django.utils import timezone

from elicense.models import Certificate, Verification
from elicense.services import sign_certificate, verification_log
from elicense.verification import Result, verify_token
from tests.factories import register
from tests.faults import private_redis, use_redis


@pytest.fixture
def stream(settings, monkeypatch):
    """The stream on a private Redis, with this process's writer state fresh."""
    with private_redis() as server:
        use_redis(settings, server.url)
        settings.VERIFICATION_LOG = "stream"
        monkeypatch.setattr(verification_log, "_writer", verification_log._Writer())
        yield server


@pytest.fixture
def signed(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海日志餐饮有限公司")
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    return sign_certificate(certificate_id=certificate.pk)


def _client(server) -> redis.Redis:
    return redis.Redis.from_url(server.url)


@pytest.mark.django_db
def test_a_check_goes_to_the_stream_and_the_drain_keeps_the_checks_own_time(stream, signed):
    before = timezone.now()
    outcome = verify_token(signed.signature, channel="api", verifier_label="测试平台")
    after = timezone.now()
    assert outcome.result == Result.VALID
    assert not Verification.objects.exists()  # not written on the request path
    assert verification_log.backlog(_client(stream)) == 1

    assert verification_log.Drainer(_client(stream), name="t", block_ms=1).step() == 1

    log = Verification.objects.get()
    assert before <= log.created_at <= after  # the check's time, not the drain's
    assert (log.result, log.certificate, log.holder_uscc, log.verifier_label) == (
        "valid", signed, signed.holder_uscc, "测试平台",
    )  # fmt: skip
    assert verification_log.backlog(_client(stream)) == 0


@pytest.mark.django_db
def test_with_redis_stopped_checks_are_logged_directly(stream, signed):
    stream.kill()

    outcome = verify_token(signed.signature, channel="api", verifier_label="测试平台")
    assert outcome.result == Result.VALID
    assert Verification.objects.get().result == "valid"
    # The next check does not wait for Redis again: it is inserted at once as well.
    verify_token("garbage", channel="api", verifier_label="测试平台")
    assert Verification.objects.count() == 2


CHECKS = 1200


def _die_after_the_insert(url: str) -> None:
    """A drainer that inserts its first batch and is killed before it acknowledges."""
    verification_log._settle = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
    verification_log.Drainer(redis.Redis.from_url(url), name="doomed", block_ms=1).step()


@pytest.mark.django_db(transaction=True)
def test_killing_the_drainer_mid_batch_loses_no_check_and_writes_none_twice(stream, monkeypatch):
    for n in range(CHECKS):
        verification_log.log_check(
            check_id=uuid.uuid4(), created_at=timezone.now(), channel="api",
            result="valid", certificate_id=None, holder_uscc=f"{n:018d}", verifier_id=None,
            verifier_label="批量", relying_party_id=None, client_address=None,
        )  # fmt: skip
    connections.close_all()  # the child opens its own connection
    child = multiprocessing.get_context("fork").Process(
        target=_die_after_the_insert, args=(stream.url,)
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == -signal.SIGKILL
    client = _client(stream)
    # Its batch is in the table and still pending in the group: the worst moment to die.
    assert Verification.objects.count() == verification_log.BATCH
    pending = client.xpending(verification_log.STREAM, verification_log.GROUP)["pending"]
    assert pending == verification_log.BATCH

    monkeypatch.setattr(verification_log, "CLAIM_IDLE_MS", 0)
    survivor = verification_log.Drainer(client, name="survivor", block_ms=1)
    while survivor.step():
        pass

    assert Verification.objects.count() == CHECKS
    assert Verification.objects.values("check_id").distinct().count() == CHECKS
    assert client.xpending(verification_log.STREAM, verification_log.GROUP)["pending"] == 0
    assert verification_log.backlog(client) == 0
