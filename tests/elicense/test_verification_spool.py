"""The 查验记录's spool (ADR 0040): a check writes its record into a memory-mapped file of its
process; a thread ships it; files of processes that died are adopted. Real Redis, real
processes killed with SIGKILL."""

import multiprocessing
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from elicense.models import Certificate, Verification
from elicense.services import sign_certificate, verification_log, verification_spool
from elicense.verification import verify_token
from tests.elicense.log_stream import client_of, drain, logged_rows
from tests.factories import register
from tests.faults import private_redis, use_redis

pytestmark = pytest.mark.django_db(transaction=True)
CHECKS = 25


@pytest.fixture
def spool(settings, monkeypatch, tmp_path):
    """The stream on a private Redis, and this process's spool under a directory of its own
    (a fresh writer and spool; the spool's thread is stopped at the end)."""
    with private_redis() as server:
        use_redis(settings, server.url)
        settings.VERIFICATION_LOG = "stream"
        settings.VERIFICATION_SPOOL_DIR = str(tmp_path / "spool")
        monkeypatch.setattr(verification_log, "_writer", verification_log._Writer())
        fresh = verification_spool.Spool(ship=verification_log._ship)
        monkeypatch.setattr(verification_log, "_spool", fresh)
        yield server
        fresh.close()


@pytest.fixture
def signed(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海缓存餐饮有限公司")
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    return sign_certificate(certificate_id=certificate.pk)


def _files(settings) -> list[Path]:
    return sorted(Path(settings.VERIFICATION_SPOOL_DIR).glob("*.spool"))


def test_a_check_is_spooled_then_shipped_by_the_thread_and_logged_with_its_own_time(
    spool, signed, settings
):
    before = timezone.now()
    outcome = verify_token(signed.signature, channel="api", verifier_label="缓存平台")
    after = timezone.now()
    assert outcome.ok
    assert len(_files(settings)) == 1  # written to this process's spool, not yet anywhere else

    deadline = time.monotonic() + 2  # the thread ships within its round, unasked
    while verification_log.backlog(client_of(spool)) < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert verification_log.backlog(client_of(spool)) == 1
    drain(spool)

    log = Verification.objects.get()
    assert log.check_id == outcome.check_id
    assert before <= log.created_at <= after  # the check's time, not the shipper's
    assert (log.certificate, log.verifier_label) == (signed, "缓存平台")


def _web_process(token: str, pipe) -> None:
    """A web process forked from the test's: its shipper never gets to run; it checks,
    says which spool file it wrote, and waits to be killed."""
    verification_spool.SHIP_EVERY_SECONDS = 3600
    for _ in range(CHECKS):
        assert verify_token(token, channel="api", verifier_label="将被杀死的进程").ok
    pipe.send([str(path) for path in Path(os.environ["SPOOL_DIR"]).glob("*.spool")])
    time.sleep(60)


def test_checks_spooled_by_a_process_killed_before_shipping_are_adopted_and_written_once(
    spool, signed, settings, monkeypatch
):
    monkeypatch.setenv("SPOOL_DIR", settings.VERIFICATION_SPOOL_DIR)
    connections.close_all()  # the child opens its own connection
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_web_process, args=(signed.signature, child_end)
    )
    child.start()
    assert parent_end.poll(60), "the web process did not finish its checks"
    [path] = parent_end.recv()

    assert verification_log.adopt_orphans() == 0  # a live process's spool is its own
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert Path(path).exists() and not Verification.objects.exists()

    assert verification_log.adopt_orphans() == CHECKS
    assert not Path(path).exists()
    assert verification_log.adopt_orphans() == 0
    drain(spool)
    assert logged_rows() == (CHECKS, CHECKS)
    assert set(Verification.objects.values_list("verifier_label", flat=True)) == {"将被杀死的进程"}


def test_the_drainer_adopts_the_spool_of_a_dead_process(spool, signed, settings):
    """No web process is left on the host: the drainer's timer adopts the orphan."""
    live = verification_spool.SpoolFile.create(Path(settings.VERIFICATION_SPOOL_DIR))
    orphan = verification_spool.SpoolFile.create(Path(settings.VERIFICATION_SPOOL_DIR))
    record = verification_log._encode(_fields(signed, "孤儿"))
    assert orphan.append(record)
    orphan.close(remove=False)  # its process is gone: the lock goes with it

    drain(spool)  # one step adopts (ships to the stream), the next writes

    assert logged_rows() == (1, 1)
    assert _files(settings) == [live.path]  # a live process's file is left alone
    live.close(remove=True)


def _fields(certificate, label: str) -> dict:
    return dict(
        check_id=uuid.uuid4(), created_at=timezone.now(), channel="api", result="valid",
        certificate_id=certificate.pk, holder_uscc=certificate.holder_uscc, verifier_id=None,
        verifier_label=label, relying_party_id=None, client_address=None,
    )  # fmt: skip


def test_a_record_torn_by_a_crash_ends_the_orphan_and_the_whole_ones_are_shipped(
    spool, signed, settings
):
    orphan = verification_spool.SpoolFile.create(Path(settings.VERIFICATION_SPOOL_DIR))
    for n in range(3):
        assert orphan.append(verification_log._encode(_fields(signed, f"完整{n}")))
    whole = orphan.end
    torn = verification_log._encode(_fields(signed, "残缺"))
    orphan.map[whole + 8 : whole + 8 + len(torn)] = torn  # the record, and no length yet
    orphan.close(remove=False)

    assert verification_log.adopt_orphans() == 3
    drain(spool)
    assert sorted(Verification.objects.values_list("verifier_label", flat=True)) == [
        "完整0", "完整1", "完整2",
    ]  # fmt: skip


def test_a_length_whose_crc_does_not_match_is_not_trusted(spool, signed, settings):
    orphan = verification_spool.SpoolFile.create(Path(settings.VERIFICATION_SPOOL_DIR))
    assert orphan.append(verification_log._encode(_fields(signed, "完整")))
    at = orphan.end
    assert orphan.append(verification_log._encode(_fields(signed, "校验不符")))
    orphan.map[at + 8] ^= 0xFF  # one byte of the second record changed after its length
    orphan.close(remove=False)

    assert verification_log.adopt_orphans() == 1


def test_a_full_spool_file_rolls_over_and_every_check_is_shipped_once(
    spool, signed, settings, monkeypatch
):
    monkeypatch.setattr(verification_spool, "SIZE", 2048)  # a few records a file

    for _ in range(CHECKS):
        assert verify_token(signed.signature, channel="api").ok
    verification_log.confirm()

    assert 1 <= verification_log.backlog(client_of(spool)) < CHECKS  # batches, not checks
    assert len(_files(settings)) == 1  # the full ones were shipped and deleted
    drain(spool)
    assert logged_rows() == (CHECKS, CHECKS)


def test_with_redis_gone_the_spooled_checks_are_inserted_directly(spool, signed):
    spool.kill()

    for _ in range(3):
        assert verify_token(signed.signature, channel="api").ok
    verification_log.confirm()

    assert logged_rows() == (3, 3)


def _forked_check(token: str, parent_path: str, pipe) -> None:
    verification_spool.SHIP_EVERY_SECONDS = 3600
    verify_token(token, channel="api", verifier_label="子进程")
    open_files = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
    mine = verification_log._spool.current.path
    pipe.send((str(mine), parent_path in open_files))


def test_a_forked_process_spools_to_a_file_of_its_own_and_lets_go_of_the_parents(spool, signed):
    verify_token(signed.signature, channel="api", verifier_label="父进程")
    parent_path = str(verification_log._spool.current.path)
    connections.close_all()
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_forked_check, args=(signed.signature, parent_path, child_end)
    )
    spool_, writer = verification_log._spool, verification_log._writer
    with spool_.lock, spool_.shipping, writer.lock:  # the parent's shipper mid-round
        child.start()
    assert parent_end.poll(60), "the child hung on a lock held at the fork"
    child_path, holds_parents = parent_end.recv()
    child.join(timeout=10)

    assert child_path != parent_path
    assert not holds_parents  # so the parent's death frees its file for adoption
    assert verification_log.adopt_orphans() == 1  # the child's (it exited without shipping)
    verification_log.confirm()
    drain(spool)
    assert sorted(Verification.objects.values_list("verifier_label", flat=True)) == [
        "子进程", "父进程",
    ]  # fmt: skip


def test_a_spool_directory_that_cannot_be_made_leaves_the_check_sent_directly(
    spool, signed, settings, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.VERIFICATION_SPOOL_DIR = str(blocker / "spool")

    outcome = verify_token(signed.signature, channel="api")
    verification_log.confirm()

    assert outcome.ok
    assert verification_log.backlog(client_of(spool)) == 1  # its own XADD (ADR 0035)
    drain(spool)
    assert Verification.objects.get().check_id == outcome.check_id


def test_an_orphan_of_another_size_is_adopted_and_a_backlog_goes_in_bounded_entries(
    spool, signed, settings, monkeypatch
):
    """A spool left by an older release (another file size), holding more records than one
    stream entry takes."""
    monkeypatch.setattr(verification_spool, "SIZE", 64 << 10)
    monkeypatch.setattr(verification_spool, "ENTRY_RECORDS", 10)
    orphan = verification_spool.SpoolFile.create(Path(settings.VERIFICATION_SPOOL_DIR))
    for n in range(CHECKS):
        assert orphan.append(verification_log._encode(_fields(signed, f"旧版{n}")))
    orphan.close(remove=False)
    monkeypatch.setattr(verification_spool, "SIZE", 4 << 20)

    assert verification_log.adopt_orphans() == CHECKS
    assert verification_log.backlog(client_of(spool)) == 3  # 10 + 10 + 5
    drain(spool)
    assert logged_rows() == (CHECKS, CHECKS)


def test_an_orphan_whose_sent_mark_is_damaged_is_shipped_whole(spool, signed, settings):
    orphan = verification_spool.SpoolFile.create(Path(settings.VERIFICATION_SPOOL_DIR))
    for n in range(3):
        assert orphan.append(verification_log._encode(_fields(signed, f"标记{n}")))
    orphan.mark_sent(orphan.size + 12345)  # past the file's end: cannot be right
    orphan.close(remove=False)

    assert verification_log.adopt_orphans() == 3  # sent again rather than lost


def test_closing_while_the_thread_ships_waits_for_that_round_only(tmp_path, monkeypatch):
    """A clean exit in the middle of a round: the round ends, nothing is sent twice."""
    monkeypatch.setattr(verification_spool, "SHIP_EVERY_SECONDS", 0.01)
    in_round, shipped = threading.Event(), []

    def slow_ship(records):
        in_round.set()
        time.sleep(0.5)
        shipped.extend(records)

    spool = verification_spool.Spool(ship=slow_ship)
    spool.append(b'{"check":1}', str(tmp_path))
    assert in_round.wait(5)
    started = time.monotonic()
    spool.close()

    assert time.monotonic() - started < 3  # not the join's 5 s timeout
    assert shipped == [b'{"check":1}']
    assert not list(tmp_path.glob("*.spool"))
