"""The 查验记录 written off the request path (ADR 0024): a Redis stream, drained in bulk.

A check is appended to the stream ``STREAM`` with ``XADD``, sent without waiting for its
reply (ADR 0035: ~5 µs for ``sendall`` against a ~90 µs round trip here, and ~390 µs for an
insert even with ``synchronous_commit=off``); ``drain`` reads it with a consumer group and
writes a whole batch in one ``INSERT ... ON CONFLICT DO NOTHING``, then acknowledges and
deletes the entries. The row carries the check's own id and time, generated at the check, so:

* a drainer that dies after its insert and before its ``XACK`` leaves the entries pending;
  another drainer (or the same one restarted) takes them over with ``XAUTOCLAIM`` on its
  timer and writes them again, which the unique (check_id, created_at) turns into nothing;
* a check sent to Redis and also inserted directly (below) is written once;
* the logged time is the check's time, however late the drain.

With ``VERIFICATION_SPOOL_DIR`` set, a check does not send its record itself: it copies it
into a memory-mapped spool file of its process, and a thread ships the spool's records as one
entry (field ``b``) every 20 ms through the same writer (ADR 0040, ``verification_spool``);
files of processes that died are adopted by the other shippers and by the drainers.

Each process keeps the checks it sent until Redis's replies confirm them (``_Writer``); an
error reply or a lost connection inserts all of them directly. When Redis is not configured,
unreachable, or ``VERIFICATION_LOG`` is ``"direct"``, the check is inserted at once instead
(synchronously), so no check is dropped. After a Redis failure the writer stays on direct
inserts for ``RETRY_REDIS_SECONDS`` rather than paying a timeout per check. The remaining
loss window is in docs/operations.md.
"""

import atexit
import collections
import datetime
import json
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import hiredis
import redis
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction

from elicense.models import Verification
from elicense.services import verification_spool
from portal.forks import renew_in_child

logger = logging.getLogger(__name__)

STREAM = "portal:verification-log"
GROUP = "verification-log-drainers"
#: Entries a drainer takes at once; one INSERT per batch.
BATCH = 500
#: After a batch smaller than ``BATCH`` the drainer waits this long (seconds), so that the
#: next batch gathers the checks of the pause: each batch costs one ``INSERT``, one commit
#: (a WAL flush) and one ``XACK``/``XDEL`` whatever its size. Read at once, a batch at the
#: API's full rate held a few checks, and the drainer spent ~590 µs of CPU a check (its own
#: ~395 and its PostgreSQL backend's ~195; docs/performance.md). The delay a check waits
#: for its row grows by at most this, far inside the 2 s the log promises.
LINGER_SECONDS = 0.2
#: A pending entry idle this long belongs to a drainer that died: take it over.
CLAIM_IDLE_MS = 5_000
#: How often a drainer looks for such entries (``XAUTOCLAIM``), in seconds.
CLAIM_EVERY_SECONDS = 1.0
RETRY_REDIS_SECONDS = 5.0
#: Readiness reports a backlog whose oldest check waits longer than this (seconds).
STALE_SECONDS = 10.0
REDIS_TIMEOUT_SECONDS = 0.5
#: Records sent and not yet confirmed, at most: at this many the writer waits for replies.
UNCONFIRMED_MAX = 64
#: A record unconfirmed this long (seconds) is waited for at the process's next check.
CONFIRM_WITHIN_SECONDS = 0.1
#: One read takes every reply there is (an ``XADD`` reply is ~20 bytes).
READ_BYTES = 65536
FIELDS = (
    "check_id", "created_at", "channel", "result", "certificate_id", "holder_uscc",
    "verifier_id", "verifier_label", "relying_party_id", "client_address",
)  # fmt: skip


class _Writer:
    """This process's connection for the stream, the records sent on it whose replies are
    not read yet, and whether Redis answered lately.

    ``append`` sends the one ``XADD`` on a connection of its own, without the client's
    per-command layers (ADR 0033), and does not wait for its reply (ADR 0035): once
    ``sendall`` returns the entry is in the kernel's socket buffer, and reaches Redis even
    if this process dies. The record stays in ``unconfirmed`` until its reply is read:
    before each send without blocking (one ``read`` of the non-blocking socket), and waiting
    when ``UNCONFIRMED_MAX`` are outstanding or the oldest was sent ``CONFIRM_WITHIN_SECONDS``
    ago. An error reply or a lost connection sends every unconfirmed record to PostgreSQL
    (``_fail``). The command is written out here (``_xadd``) and its replies parsed by
    hiredis; connecting is redis-py's."""

    def __init__(self):
        self.lock = threading.RLock()
        self.clients: dict[str, redis.Redis] = {}
        self.url = ""
        self.connection: redis.connection.AbstractConnection | None = None
        self.reader: hiredis.Reader | None = None
        #: (time sent, encoded records) of each command sent and not yet confirmed, oldest
        #: first: one record, or a spool's batch.
        self.unconfirmed: list[tuple[float, list[bytes]]] = []
        self.retry_at = 0.0
        self.down = False
        renew_in_child(self._forked)

    def client(self, url: str) -> redis.Redis:
        if url not in self.clients:
            with self.lock:
                self.clients[url] = redis.Redis.from_url(
                    url,
                    socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                    socket_timeout=REDIS_TIMEOUT_SECONDS,
                )
        return self.clients[url]

    def _forked(self) -> None:
        """In a forked child: the parent's socket and records are not this process's, so
        forget them (the parent confirms its own; our copy of the socket is never used),
        and the lock anew (a thread of the parent may have held it at the fork)."""
        self.lock = threading.RLock()
        self.connection, self.reader, self.unconfirmed = None, None, []

    def append(self, url: str, fields: dict) -> bool:
        """Send one record without waiting for its reply; False when Redis refused or lost
        what was sent or cannot be reached (the unconfirmed records are then inserted)."""
        record = _encode(fields)
        return self._submit(url, _xadd(record), [record])

    def send_batch(self, url: str, records: list[bytes]) -> bool:
        """Send encoded records as one stream entry (a spool's batch, ADR 0040), as
        ``append``: one command and one reply for the whole batch."""
        return self._submit(url, _xadd(b"\n".join(records), field=b"b"), records)

    def _submit(self, url: str, command: bytes, records: list[bytes]) -> bool:
        with self.lock:
            if url != self.url:  # another Redis: confirm what went to the old one, then move
                self._confirm()
                if self.connection is not None:
                    self.connection.disconnect()
                self.connection, self.reader, self.url = None, None, url
            try:
                if self.connection is None:
                    self.connection = self.client(url).connection_pool.make_connection()
                    self.connection.connect()
                    self.reader = hiredis.Reader()
                self._read(wait=False)
                if self.unconfirmed and (
                    len(self.unconfirmed) >= UNCONFIRMED_MAX
                    or time.monotonic() - self.unconfirmed[0][0] >= CONFIRM_WITHIN_SECONDS
                ):
                    self._read(wait=True)
                self._send(command)
            except redis.RedisError as error:
                self._fail(error)
                return False
            self.unconfirmed.append((time.monotonic(), records))
            if self.down:
                self.down = False
                logger.warning("Redis reachable again: checks are logged through the stream")
            return True

    def _send(self, command: bytes) -> None:
        """Write the command on the socket itself: redis-py's ``send_packed_command`` adds
        ~3.5 µs a check of layers this connection does not use (issue 15)."""
        try:
            self.connection._sock.sendall(command)
        except OSError as error:
            raise redis.ConnectionError(f"sending the log's record: {error!r}") from error

    def _read(self, *, wait: bool) -> None:
        """Confirm the records whose replies have come (``wait``: all of them, each read
        waiting up to the socket's timeout). Raises ``redis.RedisError`` on an error reply
        or a closed, reset or silent connection, and then confirms none of this read's
        replies: they may be from a Redis that is gone, so their records go to PostgreSQL."""
        sock = self.connection._sock
        answered = 0
        try:
            while data := _receive(sock, wait=wait and answered < len(self.unconfirmed)):
                self.reader.feed(data)
                while (reply := self.reader.gets()) is not False:
                    if isinstance(reply, hiredis.ReplyError):
                        raise redis.ResponseError(str(reply))
                    answered += 1
                if not wait or answered >= len(self.unconfirmed):
                    break
        except OSError as error:
            raise redis.ConnectionError(f"reading the log's replies: {error!r}") from error
        if data == b"":
            raise redis.ConnectionError("Redis closed the connection")
        del self.unconfirmed[:answered]

    def _confirm(self) -> None:
        if self.connection is None or not self.unconfirmed:
            return
        try:
            self._read(wait=True)
        except redis.RedisError as error:
            self._fail(error)

    def confirm(self) -> None:
        """Wait for the reply of every record sent; on an error reply or a lost connection
        the records are inserted directly (``_fail``)."""
        with self.lock:
            self._confirm()

    def _fail(self, error: Exception) -> None:
        """Drop the connection (its replies can no longer be matched to records), insert
        every unconfirmed record directly (``ON CONFLICT DO NOTHING``: one that reached
        Redis as well is written once) and stay on direct inserts ``RETRY_REDIS_SECONDS``."""
        records = [record for _sent, batch in self.unconfirmed for record in batch]
        self.unconfirmed = []
        if self.connection is not None:
            self.connection.disconnect()
        self.connection = self.reader = None
        if not self.down:
            logger.warning("Redis failed (%s): checks are logged by direct insert", error)
        self.down, self.retry_at = True, time.monotonic() + RETRY_REDIS_SECONDS
        if records:
            _insert([_decode(record) for record in records])


def _receive(sock: socket.socket, *, wait: bool) -> bytes | None:
    """What has come on the socket (``b""`` at its end), or None when nothing has and not
    ``wait``. Under a timeout the socket's descriptor is non-blocking (Python's socket
    docs): a bare ``read`` returns at once, where ``recv`` would first wait."""
    try:
        return os.read(sock.fileno(), READ_BYTES)
    except BlockingIOError:
        return sock.recv(READ_BYTES) if wait else None


_writer = _Writer()


def _ship(records: list[bytes]) -> None:
    """Send spooled records to the stream and wait for Redis's replies; while Redis is away
    or failing, insert them directly. Raises (``DatabaseError``) when neither took them: the
    spool keeps them for the next try."""
    if uses_stream() and (not _writer.down or time.monotonic() >= _writer.retry_at):
        if _writer.send_batch(settings.REDIS_URL, records):
            _writer.confirm()  # an error reply or a lost connection inserts them (_fail)
            return
    _insert([_decode(record) for record in records])


_spool = verification_spool.Spool(ship=_ship)


def confirm() -> None:
    """Ship what this process spooled, then read the replies of every check it sent (see
    ``_Writer.confirm``)."""
    _spool.ship()
    _writer.confirm()


def adopt_orphans() -> int:
    """Ship the spool files of processes that died (``verification_spool.adopt_orphans``)."""
    if not settings.VERIFICATION_SPOOL_DIR:
        return 0
    return verification_spool.adopt_orphans(Path(settings.VERIFICATION_SPOOL_DIR), _ship)


@atexit.register
def _confirm_at_exit() -> None:
    """A clean exit ships and confirms what it spooled and sent, and deletes its spool files
    (best effort: what is not shipped stays in the files, for adoption)."""
    try:
        _spool.close()
        _writer.confirm()
    except (DatabaseError, OSError):
        logger.exception("verification log: checks not shipped at exit")


def uses_stream() -> bool:
    return bool(settings.REDIS_URL) and settings.VERIFICATION_LOG == "stream"


#: One encoder for every record: ``json.dumps`` with options builds a new one per call (~6 µs).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


#: ``XADD <STREAM> * <field>`` in the protocol's own form; the value follows as one bulk
#: string. Field ``v`` holds one record; ``b`` a spool's batch, records joined by newlines
#: (JSON escapes any newline inside a record).
_XADD = b"*5\r\n$4\r\nXADD\r\n$%d\r\n%s\r\n$1\r\n*\r\n$1\r\n" % (
    len(STREAM.encode()),
    STREAM.encode(),
)


def _xadd(value: bytes, *, field: bytes = b"v") -> bytes:
    return b"%s%s\r\n$%d\r\n%s\r\n" % (_XADD, field, len(value), value)


def _encode(fields: dict) -> bytes:
    data = dict(fields)
    data["check_id"] = str(data["check_id"])
    data["created_at"] = data["created_at"].isoformat()
    return _ENCODER.encode(data).encode()


def _decode(data: bytes) -> Verification:
    fields = json.loads(data)
    fields["check_id"] = uuid.UUID(fields["check_id"])
    fields["created_at"] = datetime.datetime.fromisoformat(fields["created_at"])
    return Verification(**{name: fields.get(name) for name in FIELDS})


#: Check ids are drawn this many at a time from the OS's random source: one ``getrandom``
#: system call for them all instead of one a check (``uuid.uuid4``; issue 15).
CHECK_IDS_AT_ONCE = 256
_check_ids: collections.deque[uuid.UUID] = collections.deque()
# A forked child must not hand out the ids its parent has yet to hand out.
os.register_at_fork(after_in_child=_check_ids.clear)


def new_check_id() -> uuid.UUID:
    """A random (version 4) UUID for a check (查验编号), as ``uuid.uuid4`` makes them.
    Thread-safe: a deque's ``popleft`` and ``extend`` are atomic."""
    try:
        return _check_ids.popleft()
    except IndexError:
        data = os.urandom(16 * CHECK_IDS_AT_ONCE)
        _check_ids.extend(
            uuid.UUID(bytes=data[at : at + 16], version=4) for at in range(16, len(data), 16)
        )
        return uuid.UUID(bytes=data[:16], version=4)


def log_check(**fields) -> str:
    """Log one check: ``"spooled"`` when written to this process's spool (ADR 0040),
    ``"stream"`` when sent to Redis, ``"direct"`` when inserted.

    ``fields`` are the row's, with ``check_id`` and ``created_at`` set at the check.
    """
    if settings.VERIFICATION_SPOOL_DIR and uses_stream():
        try:
            _spool.append(_encode(fields), settings.VERIFICATION_SPOOL_DIR)
            return "spooled"
        except OSError as error:  # no spool file (disk full, permissions): send it instead
            logger.warning("verification spool unusable (%s): check sent directly", error)
    if uses_stream() and (not _writer.down or time.monotonic() >= _writer.retry_at):
        if _writer.append(settings.REDIS_URL, fields):
            return "stream"
    Verification(**fields).save(force_insert=True)
    return "direct"


def ensure_group(client: redis.Redis) -> None:
    """The consumer group, reading the stream from its start (created once)."""
    try:
        client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def _insert(rows: list[Verification]) -> None:
    """Insert the rows once each (the unique check id makes a replay a no-op). The links
    carry no foreign-key constraint (ADR 0042): no row is refused for them."""
    with transaction.atomic():
        Verification.objects.bulk_create(rows, ignore_conflicts=True)


#: A whole batch in one statement on PostgreSQL: the records' own JSON, joined into one
#: array and read by the server, instead of a model instance and its bound values a row
#: (~55 µs of the drainer's CPU a check; ADR 0038).
_TABLE, _COLUMNS = Verification._meta.db_table, ", ".join(FIELDS)
_INSERT_RECORDS = (
    f"INSERT INTO {_TABLE} ({_COLUMNS}) SELECT {_COLUMNS} "  # noqa: S608 - the model's table, FIELDS
    f"FROM json_populate_recordset(NULL::{_TABLE}, %s::json) ON CONFLICT DO NOTHING"
)


def _write(entries) -> int:
    """Insert the entries' records once each; returns how many entries there were. Any
    database but PostgreSQL goes through the model."""
    records = []
    for _entry_id, fields in entries:
        records.extend(fields[b"b"].split(b"\n") if b"b" in fields else [fields[b"v"]])
    if connection.vendor != "postgresql":
        _insert([_decode(record) for record in records])
        return len(entries)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_INSERT_RECORDS, [(b"[" + b",".join(records) + b"]").decode()])
    return len(entries)


def _settle(client: redis.Redis, entries) -> None:
    ids = [entry_id for entry_id, _fields in entries]
    pipe = client.pipeline(transaction=False)
    pipe.xack(STREAM, GROUP, *ids)
    pipe.xdel(STREAM, *ids)
    pipe.execute()


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Drainer:
    """One consumer of the group; ``step`` drains one batch (``run`` loops)."""

    def __init__(self, client: redis.Redis, *, name: str | None = None, block_ms: int = 500):
        self.client, self.name, self.block_ms = client, name or consumer_name(), block_ms
        self.claim_at = 0.0
        ensure_group(client)

    def claim(self) -> int:
        """Take over and write the entries other drainers left pending too long."""
        written, start = 0, "0-0"
        while True:
            answer = self.client.xautoclaim(
                STREAM, GROUP, self.name, CLAIM_IDLE_MS, start_id=start, count=BATCH
            )
            start, entries = answer[0], [e for e in answer[1] if e[1]]
            if entries:
                written += _write(entries)
                _settle(self.client, entries)
            if start in (b"0-0", "0-0"):
                return written

    def step(self) -> int:
        now = time.monotonic()
        written = 0
        if now >= self.claim_at:
            self.claim_at = now + CLAIM_EVERY_SECONDS
            adopt_orphans()  # the spools of web processes that died (ADR 0040)
            written += self.claim()
        answer = self.client.xreadgroup(
            GROUP, self.name, {STREAM: ">"}, count=BATCH, block=self.block_ms
        )
        if answer and answer[0][1]:
            entries = answer[0][1]
            written += _write(entries)
            _settle(self.client, entries)
        return written

    def run(self, *, stop=lambda: False) -> None:
        while not stop():
            try:
                if self.step() < BATCH:
                    time.sleep(LINGER_SECONDS)
            except (redis.RedisError, DatabaseError) as error:
                # The batch stays pending and is taken over (XAUTOCLAIM) once it has idled.
                logger.warning("verification-log drainer: %s; retrying", error)
                close_old_connections()
                time.sleep(1)


def backlog(client: redis.Redis) -> int:
    """Entries in the stream not yet written (read or not): a check each, or a spool's
    batch of checks (ADR 0040)."""
    return client.xlen(STREAM)


def oldest_age(client: redis.Redis) -> float | None:
    """Seconds the oldest check in the stream has waited (from its entry id), or None."""
    first = client.xrange(STREAM, count=1)
    if not first:
        return None
    millis = int(first[0][0].split(b"-")[0])
    server_seconds, micros = client.time()
    return max(0.0, server_seconds + micros / 1e6 - millis / 1000)
