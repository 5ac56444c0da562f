"""A token bucket per relying party: Redis when configured, else per process.

Capacity and refill rate are the party's declared peak verifications per second, so a
party may burst to one second's worth of its peak and sustain exactly its peak.

A web process does not ask Redis on every call (ADR 0024): it takes a *share* of the
party's bucket — up to ``SHARE_FRACTION`` of the peak at once — and spends it locally; a
share unspent after ``SHARE_SECONDS`` is dropped (never carried into a later burst). Tokens
leave the Redis bucket before they are spent, so the deployment never exceeds the peak;
what a share strands is at most workers x share per second, under 10 % of the peak with
four workers (``tests/elicense/test_ratelimit_workers.py``).

When Redis is configured but cannot be reached, the limiter falls back to the
per-process bucket rather than failing the request: each web process then enforces the
party's peak on its own (so the whole deployment allows up to processes x peak). The
switch is logged once, not per request, Redis is tried again after
``RETRY_REDIS_SECONDS``, and the readiness check reports the fallback (``state()``).
"""

import logging
import math
import threading
import time

import redis
from django.conf import settings

from portal.forks import renew_in_child

logger = logging.getLogger(__name__)

#: After a Redis failure, how long the limiter stays on the per-process bucket before it
#: tries Redis again (so that an unreachable host does not cost a timeout per request).
RETRY_REDIS_SECONDS = 5.0
#: Connect and read timeouts of the limiter's Redis client, in seconds.
REDIS_TIMEOUT_SECONDS = 0.5

#: A share is at most this fraction of the party's peak (at least one token).
SHARE_FRACTION = 0.02
#: A share not spent within this many seconds is dropped.
SHARE_SECONDS = 1.0

# KEYS[1] bucket; ARGV: rate, capacity, now (s), wanted. Takes up to ``wanted`` whole
# tokens (at least one, or none): returns {granted, retry_after_ms}.
_LUA = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
-- A caller whose clock reading is older than the last one (descheduled between reading
-- it and calling) refills nothing and must not move the time back: else the next caller
-- would be refilled for the same interval twice.
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local granted = math.min(wanted, math.floor(tokens))
local wait = 0
if granted >= 1 then
  tokens = tokens - granted
else
  granted = 0
  wait = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', at)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {granted, wait}
"""


class _Shares:
    """This process's unspent tokens per bucket key: (count, usable until)."""

    def __init__(self):
        self._forked()
        renew_in_child(self._forked)

    def _forked(self) -> None:
        """None held, with a lock of its own: a forked child spending its parent's share
        would take tokens twice out of one grant."""
        self.lock = threading.Lock()
        self.state: dict[str, tuple[int, float]] = {}

    def spend(self, key: str, now: float) -> bool:
        with self.lock:
            count, until = self.state.get(key, (0, 0.0))
            if count < 1 or now >= until:
                return False
            self.state[key] = (count - 1, until)
            return True

    def keep(self, key: str, count: int, now: float) -> None:
        with self.lock:
            self.state[key] = (count, now + SHARE_SECONDS)

    def drop(self, key: str) -> None:
        with self.lock:
            self.state.pop(key, None)


_shares = _Shares()


def share_size(peak_qps: int) -> int:
    return max(1, int(peak_qps * SHARE_FRACTION))


class _LocalBuckets:
    def __init__(self):
        self._forked()
        renew_in_child(self._forked)

    def _forked(self) -> None:
        """Full buckets, as a new process starts with, and a lock of its own."""
        self.lock = threading.Lock()
        self.state: dict[str, tuple[float, float]] = {}

    def take(self, key, rate, capacity, now):
        with self.lock:
            tokens, at = self.state.get(key, (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - at) * rate)
            if tokens >= 1:
                self.state[key] = (tokens - 1, now)
                return True, 0.0
            self.state[key] = (tokens, now)
            return False, (1 - tokens) / rate


class _RedisHealth:
    """Whether the limiter is on Redis or has fallen back, for this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        renew_in_child(self._forked)

    def _forked(self) -> None:
        """What the parent knew of Redis holds; a lock its thread held at the fork does not."""
        self.lock = threading.Lock()

    def usable(self, now: float) -> bool:
        return self.down_since is None or now >= self.retry_at

    def failed(self, now: float, error: Exception) -> None:
        with self.lock:
            if self.down_since is None:
                self.down_since = now
                logger.warning(
                    "Redis unreachable (%s): rate limits fall back to per-process buckets", error
                )
            self.retry_at = now + RETRY_REDIS_SECONDS

    def recovered(self) -> None:
        with self.lock:
            if self.down_since is not None:
                self.down_since = None
                logger.warning("Redis reachable again: rate limits are shared through Redis")


_local = _LocalBuckets()
_clients: dict[str, tuple[redis.Redis, _RedisHealth]] = {}


def _redis() -> tuple[redis.Redis, _RedisHealth]:
    """The client for ``settings.REDIS_URL`` and what this process knows of its health."""
    url = settings.REDIS_URL
    if url not in _clients:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        _clients[url] = (client, _RedisHealth())
    return _clients[url]


def _key(party_id: int) -> str:
    return f"portal:ratelimit:rp:{party_id}"


def take(party_id: int, peak_qps: int) -> tuple[bool, int]:
    """Spend one token of the party's bucket: (allowed, seconds to wait if not).

    Spends this process's share when it has one; else takes a new share from Redis when
    configured and reachable; else this process's own bucket (see module).
    """
    rate = float(max(peak_qps, 1))
    key = _key(party_id)
    now = time.time()
    client, health = _redis() if settings.REDIS_URL else (None, None)
    if client is not None and health.usable(now):
        mono = time.monotonic()
        if _shares.spend(key, mono):
            return True, 1
        try:
            granted, wait_ms = client.eval(_LUA, 1, key, rate, rate, now, share_size(peak_qps))
        except redis.RedisError as error:
            health.failed(now, error)
        else:
            health.recovered()
            granted = int(granted)
            if granted >= 1:
                _shares.keep(key, granted - 1, mono)
                return True, 1
            return False, max(1, math.ceil(int(wait_ms) / 1000))
    allowed, wait = _local.take(key, rate, rate, now)
    return allowed, max(1, math.ceil(wait))


def state() -> str:
    """``"redis"``, ``"local"`` (no Redis configured) or ``"fallback"`` (Redis lost)."""
    if not settings.REDIS_URL:
        return "local"
    return "redis" if _redis()[1].down_since is None else "fallback"


def probe() -> str:
    """Ask Redis now, record the answer as ``take`` would, and return ``state()``."""
    if settings.REDIS_URL:
        _ask(lambda client: client.ping())
    return state()


def reset(party_id: int) -> None:
    """Empty a party's bucket state (tests, or an operator after raising the peak).

    Asks Redis at once and records whether it answered.
    """
    key = _key(party_id)
    if settings.REDIS_URL:
        _ask(lambda client: client.delete(key))
    _local.state.pop(key, None)
    _shares.drop(key)


def _ask(command) -> None:
    client, health = _redis()
    try:
        command(client)
    except redis.RedisError as error:
        health.failed(time.time(), error)
    else:
        health.recovered()
