"""The verification path's process memory (ADR 0024) forgets a change on the very next call
in every worker: two real processes, a real Redis channel, PostgreSQL."""

import multiprocessing
import time

import pytest
import redis
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from elicense import services
from elicense.models import Certificate, CertificateStatus
from elicense.queries import memory
from elicense.services import relying_parties
from elicense.verification import verify_token
from portal import ratelimit
from tests.factories import register
from tests.faults import private_redis, use_redis

pytestmark = pytest.mark.django_db(transaction=True)


def _serve(pipe) -> None:
    """The other worker, forked from the test's process as gunicorn forks its workers (its
    subscription, log writer and check ids are renewed by the fork hooks): answers
    (what, argument) with (answer, queries it took)."""
    while (request := pipe.recv()) is not None:
        what, argument = request
        with CaptureQueriesContext(connection) as queries:
            if what == "party":
                party = relying_parties.party_for_key(argument)
                answer = party.pk if party else None
            else:
                outcome = verify_token(argument, channel="api", verifier_label="另一进程")
                answer = str(outcome.result)
        reads = [q for q in queries.captured_queries if not q["sql"].startswith("INSERT")]
        pipe.send((answer, len(reads)))
    connections.close_all()


@pytest.fixture
def worker(settings):
    """A second process asked through a pipe; Redis private to the test."""
    with private_redis() as server:
        use_redis(settings, server.url)
        memory._subscriber = memory._Subscriber()
        memory._publisher.clear()
        # Subscribed before the fork: a child reading this socket would take the parent's
        # messages, and the parent the child's.
        assert memory.usable()
        connections.close_all()  # the child must open its own connection
        parent_end, child_end = multiprocessing.get_context("fork").Pipe()
        child = multiprocessing.get_context("fork").Process(target=_serve, args=(child_end,))
        child.start()

        def ask(what, argument):
            parent_end.send((what, argument))
            assert parent_end.poll(30), "the other worker did not answer"
            return parent_end.recv()

        yield ask
        parent_end.send(None)
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
        memory._subscriber = memory._Subscriber()
        memory._publisher.clear()


def test_a_rotated_or_revoked_key_fails_on_the_very_next_call_in_every_worker(
    worker, reference_data
):
    party, old_key = relying_parties.create_relying_party(name="双进程平台", peak_qps=10)
    assert worker("party", old_key) == (party.pk, 1)
    assert worker("party", old_key) == (party.pk, 0)  # from memory: no query
    assert relying_parties.party_for_key(old_key) == party

    party, new_key = relying_parties.rotate_api_key(acting_user=None, party=party)

    assert worker("party", old_key) == (None, 1)
    assert relying_parties.party_for_key(old_key) is None
    assert worker("party", new_key) == (party.pk, 1)
    assert worker("party", new_key) == (party.pk, 0)

    relying_parties.revoke_api_key(acting_user=None, party=party, reason="合同终止")

    assert worker("party", new_key) == (None, 1)
    assert relying_parties.party_for_key(new_key) is None


def test_a_revoked_certificate_answers_revoked_on_the_very_next_check_in_every_worker(
    worker, xuhui_clerk, signing_key
):
    entity = register(xuhui_clerk, name="上海双进程餐饮有限公司")
    certificate = services.sign_certificate(
        certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk
    )
    token = certificate.signature
    first = worker("verify", token)
    assert first[0] == "valid" and first[1] >= 2  # the key and the certificate, read once
    assert worker("verify", token) == ("valid", 0)  # from memory (only the log's insert)

    with transaction.atomic():
        services.revoke_certificate(certificate=certificate, acting_user=None, reason="吊销")

    # The parent reads its subscription first: the child's message is on a socket of its own.
    assert verify_token(token, channel="api").result == "revoked"
    assert worker("verify", token)[0] == "revoked"

    services.distrust_signing_key(kid=signing_key.kid, reason="私钥泄露")

    assert verify_token(token, channel="api").result == "unknown_key"
    assert worker("verify", token)[0] == "unknown_key"


def test_a_subscription_redis_dropped_is_not_trusted_until_memory_is_flushed(
    settings, xuhui_clerk, signing_key
):
    """The client reconnects and subscribes again by itself when Redis drops it; whatever
    was published in between is lost, so the process flushes its memory (ADR 0033)."""
    with private_redis() as server:
        use_redis(settings, server.url)
        memory._subscriber = memory._Subscriber()
        memory._publisher.clear()
        entity = register(xuhui_clerk, name="上海断线重连餐饮有限公司")
        certificate = services.sign_certificate(
            certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk
        )
        assert verify_token(certificate.signature, channel="api").result == "valid"
        assert memory.certificates.get(certificate.public_id) is not None  # held

        redis.Redis.from_url(server.url).client_kill_filter(_type="pubsub")
        # Another worker revokes it while this one has no subscription: its message is lost
        # (the row is changed directly here: through the service, this process would
        # forget at once as the publisher).
        Certificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.REVOKED, status_changed_at=timezone.now()
        )

        assert verify_token(certificate.signature, channel="api").result == "revoked"
        memory._subscriber = memory._Subscriber()
        memory._publisher.clear()


def _read_after_fork(pipe, health) -> None:
    now = time.monotonic()
    health.recovered()  # takes the lock its parent's thread held at the fork
    pipe.send((memory.certificates.get("held"), ratelimit._shares.spend("party:held", now)))


def test_a_worker_forked_mid_lookup_holds_nothing_of_its_parents_and_waits_for_no_lock():
    """Forked while another thread of its parent looked something up: the child starts
    empty (its first poll subscribes anew) and does not spend its parent's rate-limit share
    (one grant spent twice would let the party past its peak)."""
    memory.certificates.put("held", "a certificate")
    ratelimit._shares.keep("party:held", 5, time.monotonic())
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    health = ratelimit._RedisHealth()
    child = multiprocessing.get_context("fork").Process(
        target=_read_after_fork, args=(child_end, health)
    )
    try:
        with memory.certificates.lock, ratelimit._shares.lock, health.lock:  # another thread
            child.start()
        assert parent_end.poll(30), "the forked worker hung on a lock held at the fork"
        assert parent_end.recv() == (None, False)
        assert memory.certificates.get("held") == "a certificate"
        assert ratelimit._shares.spend("party:held", time.monotonic())
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
        memory.flush()
        ratelimit._shares.drop("party:held")
