"""The rate limit holds across four worker processes (ADR 0024): each spends a local share
of the party's Redis bucket and settles in batches, and together they stay within ±10 %
of the declared peak. Real processes, a private Redis."""

import multiprocessing
import time

import pytest

from portal import ratelimit
from tests.faults import private_redis, use_redis

WORKERS = 4
PEAK = 200
SECONDS = 2.0


def _hammer(start_at: float, end_at: float, counts, index: int) -> None:
    ratelimit._shares = ratelimit._Shares()
    ratelimit._clients.clear()  # its own connection, not the parent's socket
    while time.time() < start_at:
        time.sleep(0.001)
    allowed = calls = 0
    while time.time() < end_at:
        calls += 1
        allowed += ratelimit.take(4242, PEAK)[0]
    counts[index], counts[WORKERS + index] = allowed, calls


def test_four_workers_together_stay_within_ten_percent_of_the_peak(settings):
    with private_redis() as server:
        use_redis(settings, server.url)
        ratelimit.reset(4242)
        context = multiprocessing.get_context("fork")
        counts = context.Array("i", 2 * WORKERS)
        start_at = time.time() + 1.0
        workers = [
            context.Process(target=_hammer, args=(start_at, start_at + SECONDS, counts, n))
            for n in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)

    allowed, calls = sum(counts[:WORKERS]), sum(counts[WORKERS:])
    # A full bucket (one second of peak) plus the peak for every second of the run.
    expected = PEAK * (1 + SECONDS)
    assert calls > 3 * expected, "the workers must ask far more than the limit allows"
    assert all(counts[n] > 0 for n in range(WORKERS))  # every worker got its part
    assert expected * 0.9 <= allowed <= expected * 1.1, (allowed, expected)


@pytest.mark.parametrize(("peak", "share"), [(1, 1), (50, 1), (1000, 20), (100_000, 2000)])
def test_a_share_is_two_percent_of_the_peak_and_at_least_one_token(peak, share):
    assert ratelimit.share_size(peak) == share
