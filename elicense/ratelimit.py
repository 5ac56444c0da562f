"""A token bucket per relying party: Redis when configured, else per process.

Capacity and refill rate are the party's declared peak verifications per second, so a
party may burst to one second's worth of its peak and sustain exactly its peak.
"""

import math
import threading
import time

from django.conf import settings

# KEYS[1] bucket; ARGV: rate, capacity, now (s), cost. Returns {allowed, retry_after_ms}.
_LUA = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {allowed, wait}
"""


class _LocalBuckets:
    def __init__(self):
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


_local = _LocalBuckets()
_redis = None


def _client():
    global _redis
    if _redis is None:
        import redis

        _redis = redis.Redis.from_url(settings.REDIS_URL)
    return _redis


def take(party_id: int, peak_qps: int) -> tuple[bool, int]:
    """Spend one token of the party's bucket: (allowed, seconds to wait if not)."""
    rate = float(max(peak_qps, 1))
    key = f"portal:ratelimit:rp:{party_id}"
    now = time.time()
    if settings.REDIS_URL:
        allowed, wait_ms = _client().eval(_LUA, 1, key, rate, rate, now, 1)
        return bool(allowed), max(1, math.ceil(int(wait_ms) / 1000))
    allowed, wait = _local.take(key, rate, rate, now)
    return allowed, max(1, math.ceil(wait))


def reset(party_id: int) -> None:
    """Empty a party's bucket state (tests, or an operator after raising the peak)."""
    key = f"portal:ratelimit:rp:{party_id}"
    if settings.REDIS_URL:
        _client().delete(key)
    _local.state.pop(key, None)
