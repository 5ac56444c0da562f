"""What the verification path keeps in process memory (ADR 0024), and how it forgets.

Three reads are answered from memory: the relying party of an API key, a certificate by its
public id (status, dates, holder: ``live_result`` still computes expiry from ``valid_to``
at each check), and an issuer public key by ``kid``. Each is filled from PostgreSQL on a
miss and kept in a bounded LRU with a short backstop TTL.

They are forgotten by a message on the Redis channel ``channel()``, published after commit
by every service that changes one (``invalidate``): key rotated or revoked, party suspended,
certificate signed, superseded, revoked, cancelled or expired, issuer key distrusted. Each
process subscribes once and reads its pending messages (a non-blocking poll, no round trip)
at the start of every lookup (of every token check, ADR 0037), before it trusts anything it
holds; a message published before a service returned is on the subscriber's socket before
the next request can arrive, so the very next call in every worker sees the change. When
the subscription is lost or cannot be made, memory is flushed and bypassed (every lookup
goes to PostgreSQL) until it is back: nothing is ever answered from a memory that may have
missed a message.
"""

import logging
import select
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.db import transaction

from portal.forks import renew_in_child

logger = logging.getLogger(__name__)

#: How long an entry may be used at most, whatever the messages say (a backstop).
TTL_SECONDS = 30.0
#: After the subscription failed, how long lookups bypass memory before trying Redis again.
RETRY_REDIS_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


def channel() -> str:
    """One channel per database, so that test databases and deployments do not mix."""
    return f"portal:invalidate:{settings.DATABASES['default']['NAME']}"


#: Memories of other apps by the message kind that clears them (``Lru(kind=...)``).
_KINDS: dict[str, list] = {}
_ALL: list = []


class Lru:
    """A bounded map of key -> (value, expires at); least recently used goes first.

    ``kind`` names the message (``invalidate(kind)``) that clears it; every ``Lru`` is
    cleared by a flush. ``ttl`` None keeps entries until evicted (immutable data)."""

    def __init__(self, maxsize: int, *, kind: str | None = None, ttl: float | None = TTL_SECONDS):
        self.maxsize, self.ttl = maxsize, ttl
        self._forked()
        renew_in_child(self._forked)
        _ALL.append(self)
        if kind:
            _KINDS.setdefault(kind, []).append(self)

    def _forked(self) -> None:
        """Empty, with a lock of its own: a forked child's first poll subscribes anew and
        flushes anyway, and a lock a parent's thread held at the fork would stay held."""
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.data.get(key)
            if item is None:
                return None
            if item[1] < time.monotonic():
                del self.data[key]
                return None
            self.data.move_to_end(key)
            return item[0]

    def put(self, key, value) -> None:
        with self.lock:
            expires = time.monotonic() + self.ttl if self.ttl is not None else float("inf")
            self.data[key] = (value, expires)
            self.data.move_to_end(key)
            while len(self.data) > self.maxsize:
                self.data.popitem(last=False)

    def drop(self, predicate) -> None:
        with self.lock:
            for key in [k for k, (v, _) in self.data.items() if predicate(k, v)]:
                del self.data[key]

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


#: API key hash -> RelyingParty (approved, with a key).
parties = Lru(10_000)
#: Certificate public id -> Certificate (without ``face``).
certificates = Lru(100_000)
#: (kid, algorithm) -> loaded public key.
issuer_keys = Lru(1_000)


def flush() -> None:
    for lru in _ALL:
        lru.clear()


def _forget(message: str) -> None:
    kind, _, value = message.partition(":")
    if kind == "party":
        parties.drop(lambda _key, party: str(party.pk) == value)
    elif kind == "certificate":
        certificates.drop(lambda key, _cert: key == value)
    elif kind == "holder":
        certificates.drop(lambda _key, cert: cert.holder_uscc == value)
    elif kind in _KINDS:
        for lru in _KINDS[kind]:
            lru.clear()
    else:  # "keys", "all" or anything unknown: forget everything
        flush()


class _Subscriber:
    def __init__(self):
        self._forked()
        renew_in_child(self._forked)

    def _forked(self) -> None:
        """The state of a process that has not subscribed; a forked child starts here too,
        for a parent's subscription socket read by its child would lose the parent messages
        (redis-py shuts a socket down only in the process that opened it)."""
        self.lock = threading.Lock()
        self.pubsub = None
        self.key = None
        self.retry_at = 0.0
        #: The subscription's socket, and a poller on it (``_idle``).
        self.sock = None
        self.poller = None
        #: True when the last read found nothing more: no message is left in the client's
        #: buffer, so anything new must first arrive on the socket.
        self.drained = False

    def _watch(self) -> None:
        """Follow the subscription's socket; a socket other than the one watched means the
        client reconnected underneath (and re-subscribed): messages may have been missed
        in between, so memory is flushed."""
        sock = self.pubsub.connection._sock if self.pubsub.connection is not None else None
        if sock is self.sock:
            return
        if self.sock is not None:
            flush()
        self.sock, self.drained = sock, False
        self.poller = None
        if sock is not None:
            self.poller = select.poll()
            self.poller.register(sock.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)

    def _idle(self) -> bool:
        """Nothing to read: the buffer was drained and the kernel holds nothing for the
        socket (one ``poll`` system call instead of the client's non-blocking read)."""
        return self.drained and self.poller is not None and not self.poller.poll(0)

    def _close(self) -> None:
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            except redis.RedisError:
                pass
        self.pubsub = self.sock = self.poller = None
        self.drained = False

    def _connect(self, url: str, name: str) -> None:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=None
        )
        pubsub = client.pubsub()
        pubsub.subscribe(name)
        # Wait for the confirmation: from here on, no message to this process is missed.
        deadline = time.monotonic() + REDIS_TIMEOUT_SECONDS
        while True:
            message = pubsub.get_message(timeout=REDIS_TIMEOUT_SECONDS)
            if message is not None and message["type"] == "subscribe":
                break
            if time.monotonic() > deadline:
                pubsub.close()
                raise redis.TimeoutError("no subscription confirmation")
        self.pubsub, self.key = pubsub, (url, name)
        self.sock = None
        self._watch()
        flush()  # whatever was held before this subscription may have missed a message

    def poll(self) -> bool:
        """Apply pending messages; True when memory may be trusted for this lookup."""
        url = settings.REDIS_URL
        if not url or not settings.VERIFICATION_MEMORY:
            return False
        name = channel()
        with self.lock:
            try:
                if self.pubsub is None or self.key != (url, name):
                    if self.pubsub is None and time.monotonic() < self.retry_at:
                        return False
                    self._close()
                    self._connect(url, name)
                self._watch()
                if self._idle():
                    return True
                self.drained = False
                while True:
                    message = self.pubsub.get_message(timeout=0)
                    if message is None:
                        break
                    if message.get("type") == "message":
                        _forget(message["data"].decode())
                self._watch()
                self.drained = True
                return True
            except (redis.RedisError, OSError) as error:
                if self.pubsub is not None or self.retry_at == 0.0:
                    logger.warning("invalidation channel lost (%s): memory bypassed", error)
                self._close()
                flush()
                self.retry_at = time.monotonic() + RETRY_REDIS_SECONDS
                return False


_subscriber = _Subscriber()


def usable() -> bool:
    return _subscriber.poll()


_publisher: dict[str, redis.Redis] = {}


def _publish(messages: tuple[str, ...]) -> None:
    for message in messages:
        _forget(message)
    url = settings.REDIS_URL
    if not url:
        return
    try:
        if url not in _publisher:
            _publisher[url] = redis.Redis.from_url(
                url,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
            )
        client = _publisher[url]
        pipe = client.pipeline(transaction=False)
        for message in messages:
            pipe.publish(channel(), message)
        pipe.execute()
        # Redis writes the subscribers' copies when it finishes the event-loop turn that
        # ran PUBLISH; a PING answered in a later turn means they are on every subscriber's
        # socket before this service returns (else a busy host could answer us first).
        client.ping()
    except redis.RedisError as error:
        # Subscribers that missed it are on a broken connection too: they flush when they
        # reconnect, and bypass memory until then.
        logger.warning("invalidation not published (%s): %s", error, messages)


def invalidate(*messages: str) -> None:
    """Forget ``party:<pk>``, ``certificate:<public id>``, ``holder:<uscc>`` or ``keys``
    in this process now, and in every process once the transaction commits."""
    for message in messages:
        _forget(message)
    transaction.on_commit(lambda: _publish(messages))
