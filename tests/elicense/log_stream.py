"""Helpers for the 查验记录 stream tests: a client of a private Redis, a drain, the rows."""

import redis

from elicense.models import Verification
from elicense.services import verification_log


def client_of(server) -> redis.Redis:
    return redis.Redis.from_url(server.url)


def drain(server) -> None:
    """Write everything in the stream (as one drainer would, step after step)."""
    drainer = verification_log.Drainer(client_of(server), name="drainer", block_ms=1)
    while drainer.step():
        pass


def logged_rows() -> tuple[int, int]:
    """(rows, distinct checks) in the 查验记录."""
    return Verification.objects.count(), Verification.objects.values("check_id").distinct().count()
