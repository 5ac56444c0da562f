"""The 查验记录 through the Redis stream (ADR 0024): real Redis, real drainer processes."""

import multiprocessing
import os
import signal
import threading
import time
import uuid

import pytest
import redis
from django.db import connection, connections
from django.db.models import ProtectedError
from django.utils import timezone

from elicense.models import Certificate, Verification
from elicense.services import sign_certificate, verification_log
from elicense.verification import Result, verify_token
from tests.elicense.log_stream import client_of, drain, logged_rows
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


@pytest.mark.django_db
def test_a_check_goes_to_the_stream_and_the_drain_keeps_the_checks_own_time(stream, signed):
    before = timezone.now()
    outcome = verify_token(signed.signature, channel="api", verifier_label="测试平台")
    after = timezone.now()
    assert outcome.result == Result.VALID
    assert not Verification.objects.exists()  # not written on the request path
    assert verification_log.backlog(client_of(stream)) == 1

    assert verification_log.Drainer(client_of(stream), name="t", block_ms=1).step() == 1

    log = Verification.objects.get()
    assert before <= log.created_at <= after  # the check's time, not the drain's
    assert (log.result, log.certificate, log.holder_uscc, log.verifier_label) == (
        "valid", signed, signed.holder_uscc, "测试平台",
    )  # fmt: skip
    assert verification_log.backlog(client_of(stream)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_batch_keeps_every_check_as_sent_even_one_whose_certificate_is_gone(stream, signed):
    verify_token(signed.signature, channel="api", verifier_label='平台"引号\\反斜杠')
    verification_log.log_check(
        check_id=uuid.uuid4(), created_at=timezone.now(), channel="api", result="valid",
        certificate_id=signed.pk + 10_000, holder_uscc=signed.holder_uscc, verifier_id=None,
        verifier_label="测试平台", relying_party_id=None, client_address="10.0.0.1",
    )  # fmt: skip
    verification_log.confirm()

    assert verification_log.Drainer(client_of(stream), name="t", block_ms=1).step() == 2

    first, second = Verification.objects.select_related("certificate").order_by("created_at")
    assert (first.certificate, first.verifier_label) == (signed, '平台"引号\\反斜杠')
    # No constraint refuses the link (ADR 0042): the row is kept as checked, and read
    # back without a certificate.
    assert (second.certificate, second.holder_uscc, second.client_address) == (
        None, signed.holder_uscc, "10.0.0.1",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_writing_a_check_writes_nothing_to_the_certificate_it_checked(signed):
    """A foreign key's check locked the linked row (``FOR KEY SHARE``): a write to a
    certificate's page for every check of it (ADR 0042)."""
    fields = dict(
        check_id=uuid.uuid4(), created_at=timezone.now(), channel="api", result="valid",
        certificate_id=signed.pk, holder_uscc=signed.holder_uscc, verifier_id=None,
        verifier_label="测试平台", relying_party_id=None, client_address=None,
    )  # fmt: skip

    def certificate_row_version():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid, xmax FROM elicense_certificate WHERE id = %s", [signed.pk])
            return cursor.fetchone()

    before = certificate_row_version()
    verification_log._write([(b"1-0", {b"v": verification_log._encode(fields)})])

    assert certificate_row_version() == before
    assert Verification.objects.get().certificate == signed


@pytest.mark.django_db
def test_a_certificate_with_checks_cannot_be_deleted(signed):
    verify_token(signed.signature, channel="clerk_scan", verifier_label="窗口")

    with pytest.raises(ProtectedError):
        signed.delete()
    assert Certificate.objects.filter(pk=signed.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_running_drainer_gathers_a_steady_trickle_into_batches_within_two_seconds(
    stream, signed, monkeypatch
):
    batches = []
    write = verification_log._write
    monkeypatch.setattr(
        verification_log, "_write", lambda entries: batches.append(len(entries)) or write(entries)
    )
    stop = threading.Event()

    def drain():
        drainer = verification_log.Drainer(client_of(stream), name="steady", block_ms=50)
        drainer.run(stop=stop.is_set)
        connections.close_all()

    thread = threading.Thread(target=drain)
    thread.start()
    began = time.monotonic()
    try:
        for _ in range(40):  # a steady ~60 checks a second
            verify_token(signed.signature, channel="api", verifier_label="测试平台")
            time.sleep(0.015)
        trickle = time.monotonic() - began
        verification_log.confirm()
        deadline = time.monotonic() + 2
        while Verification.objects.count() < 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert Verification.objects.count() == 40  # every check, within 2 s of the last
    finally:
        stop.set()
        thread.join(timeout=5)
    # Read as they came, each batch held one check; the pause gathers them: one batch a
    # pause at most (however slow a loaded machine made the trickle).
    assert sum(batches) == 40 and len(batches) < 40, batches
    assert len(batches) <= trickle / verification_log.LINGER_SECONDS + 2, (batches, trickle)


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
    client = client_of(stream)
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


# Checks are sent without waiting for Redis's reply (ADR 0035).

SENT = 20


@pytest.fixture
def unhurried(settings, monkeypatch):
    """The writer waits for no reply on its own (no timer runs out during a test), and the
    checks use no process memory (its subscription would wait on a paused Redis too)."""
    settings.VERIFICATION_MEMORY = False
    monkeypatch.setattr(verification_log, "CONFIRM_WITHIN_SECONDS", 3600)


def _connect(token: str) -> None:
    """One check, confirmed: the writer's connection is open (Redis can then be paused)."""
    verify_token(token, channel="api", verifier_label="连接")
    verification_log.confirm()
    assert not verification_log._writer.down


def _port(writer) -> int:
    """The local port of the writer's connection to Redis: which socket it is."""
    return writer.connection._sock.getsockname()[1]


def _web_process(token: str, pipe) -> None:
    """A web process forked from the test's: it connects on its own socket, then (Redis
    paused) checks SENT tokens, reads none of the replies, says so and waits to be killed."""
    _connect(token)
    pipe.send(("connected", _port(verification_log._writer)))
    pipe.recv()
    for _ in range(SENT):
        verify_token(token, channel="api", verifier_label="将被杀死的进程")
    pipe.send((len(verification_log._writer.unconfirmed), verification_log._writer.down))
    time.sleep(60)


@pytest.mark.django_db(transaction=True)
def test_checks_sent_by_a_web_process_killed_before_any_reply_all_reach_the_table_once(
    stream, unhurried, signed
):
    _connect(signed.signature)  # the parent (gunicorn's master, say) has a connection too
    connections.close_all()  # the child opens its own connection
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_web_process, args=(signed.signature, child_end)
    )
    child.start()
    assert parent_end.poll(60)
    said, child_port = parent_end.recv()
    assert said == "connected" and child_port != _port(verification_log._writer)
    stream.pause()  # Redis answers nothing: every check the process sends stays unconfirmed
    parent_end.send("go")
    assert parent_end.poll(60), "the web process did not finish its checks"
    assert parent_end.recv() == (SENT, False)  # all sent, none confirmed, none inserted
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert not Verification.objects.exists()

    stream.resume()
    _connect(signed.signature)  # the parent's own socket and records were left alone
    drain(stream)

    assert logged_rows() == (SENT + 3, SENT + 3)  # the child's, and the two connecting checks each
    labels = Verification.objects.values_list("verifier_label", flat=True)
    assert sorted(set(labels)) == ["将被杀死的进程", "连接"]


def _sent_while_paused(stream, signed) -> None:
    """One check confirmed, then SENT checks sent to a paused Redis (unanswered)."""
    _connect(signed.signature)
    stream.pause()
    for _ in range(SENT):
        assert verify_token(signed.signature, channel="api").ok


@pytest.mark.django_db(transaction=True)
def test_checks_whose_replies_never_came_from_a_killed_redis_are_inserted_directly(
    stream, unhurried, signed
):
    _sent_while_paused(stream, signed)
    assert not Verification.objects.exists()  # sent to Redis, nothing written yet
    stream.kill()  # it never read them: they died with it (and the first, confirmed, check)

    verify_token(signed.signature, channel="api")  # the next check finds the connection gone

    # the SENT unconfirmed ones, and this one, directly
    assert logged_rows() == (SENT + 1, SENT + 1)
    assert verification_log._writer.down


@pytest.mark.django_db(transaction=True)
def test_checks_a_hung_redis_did_not_answer_are_inserted_and_written_once_when_it_wakes(
    stream, unhurried, signed
):
    _sent_while_paused(stream, signed)

    verification_log.confirm()  # no reply within the timeout: the connection is given up

    assert logged_rows() == (SENT, SENT)
    stream.resume()  # Redis reads what waited in its socket: the same checks, in the stream
    client = client_of(stream)
    deadline = time.monotonic() + 10
    while verification_log.backlog(client) < SENT + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert verification_log.backlog(client) == SENT + 1
    drain(stream)
    assert logged_rows() == (SENT + 1, SENT + 1)  # the first check, and none twice
    assert verification_log.backlog(client) == 0


@pytest.mark.django_db(transaction=True)
def test_an_error_reply_from_redis_sends_the_unconfirmed_checks_to_the_table(
    stream, unhurried, signed
):
    client_of(stream).set(verification_log.STREAM, "not a stream")  # every XADD now fails

    for _ in range(3):
        assert verify_token(signed.signature, channel="api").ok
    verification_log.confirm()

    assert logged_rows() == (3, 3)
    assert verification_log._writer.down
    assert client_of(stream).get(verification_log.STREAM) == b"not a stream"


@pytest.mark.django_db
def test_a_writer_moved_to_another_redis_sends_there_and_confirms_what_it_sent_before(
    stream, signed, settings
):
    verify_token(signed.signature, channel="api", verifier_label="第一台")
    with private_redis() as second:
        use_redis(settings, second.url)

        verify_token(signed.signature, channel="api", verifier_label="第二台")
        verification_log.confirm()

        assert verification_log.backlog(client_of(stream)) == 1
        assert verification_log.backlog(client_of(second)) == 1
    assert not verification_log._writer.unconfirmed


def _draw_check_ids(pipe) -> None:
    pipe.send([verification_log.new_check_id() for _ in range(3)])


def test_check_ids_are_random_uuids_and_a_forked_worker_never_repeats_its_parents():
    """Ids are drawn from the OS in batches (one system call for many checks); a worker
    forked while its parent holds some must draw its own: a repeated id would be dropped
    by the drainer as a check already written."""
    first = verification_log.new_check_id()  # the parent now holds the rest of a batch
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(target=_draw_check_ids, args=(child_end,))
    child.start()
    assert parent_end.poll(30), "the forked worker did not answer"
    in_child = parent_end.recv()
    child.join(timeout=10)
    in_parent = [verification_log.new_check_id() for _ in range(verification_log.CHECK_IDS_AT_ONCE)]

    drawn = [first, *in_parent, *in_child]
    assert all(check_id.version == 4 and check_id.variant == uuid.RFC_4122 for check_id in drawn)
    assert len(set(drawn)) == len(drawn)
