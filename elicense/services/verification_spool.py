"""The 查验记录's spool (ADR 0040): each check's record is written into a memory-mapped file
of the process that made the check, and a thread of that process ships the records to the
Redis stream in batches.

A check then makes no system call for its log: the record is copied into the mapping, which
the kernel keeps (and writes to the file) whether or not the process lives on. Each process
holds an exclusive ``flock`` on its own files; the kernel releases it when the process dies,
however it dies. A file nobody holds is an orphan: whichever process looks next (every web
process's shipper, every ``ADOPT_EVERY_SECONDS``, and the drainer) ships what it holds that
was not sent yet and deletes it. A record shipped twice is written once: the drainer's
insert ignores a check id it has.

File layout: the offset up to which records were sent (8 bytes), then records, each its
length and CRC-32 (4 bytes each) before the record's bytes. The length is written after the
record, so a record cut short by a crash reads as the end of the file (zeros), and a torn
length is refused by its CRC.
"""

import fcntl
import logging
import mmap
import os
import socket
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path

from django.db import connection

from portal.forks import renew_in_child

logger = logging.getLogger(__name__)

#: Bytes a spool file holds: ~14,000 checks of ~300 bytes; a full file is shipped and deleted
#: while the next one fills.
SIZE = 4 << 20
SUFFIX = ".spool"
#: How often the shipper sends what the checks spooled (seconds).
SHIP_EVERY_SECONDS = 0.02
#: How often a shipper looks for orphans (seconds).
ADOPT_EVERY_SECONDS = 2.0
#: After a round that could not ship, the shipper waits this long before the next (seconds).
RETRY_SECONDS = 1.0
#: Records per stream entry, at most (a backlog after an outage goes in several).
ENTRY_RECORDS = 500
_SENT = struct.Struct("<Q")
_HEAD = struct.Struct("<II")
START = _SENT.size

#: Ships a batch of records: returns once they are in Redis or PostgreSQL, raises otherwise.
Ship = Callable[[list[bytes]], None]


class SpoolFile:
    """One spool file, mapped, with the exclusive lock that says whose it is."""

    def __init__(self, path: Path, fd: int, size: int):
        self.path, self.fd, self.size = path, fd, size
        self.map = mmap.mmap(fd, size)
        sent = _SENT.unpack_from(self.map)[0]
        self.sent = sent if START <= sent <= size else START  # unwritten (or damaged): all
        self.end = self.sent

    @classmethod
    def create(cls, directory: Path) -> "SpoolFile":
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)  # checks name who checked
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:12]}{SUFFIX}"
        fd = os.open(directory / name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # an adopter that looked first lets go at once
            # Blocks allocated now: a full disk is an error here, never a SIGBUS when a
            # check writes into a page of a sparse file.
            os.posix_fallocate(fd, 0, SIZE)
        except OSError:
            os.close(fd)
            (directory / name).unlink(missing_ok=True)
            raise
        return cls(directory / name, fd, SIZE)

    @classmethod
    def adopt(cls, path: Path) -> "SpoolFile | None":
        """The file, locked, when no live process holds it; else None."""
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            size = os.fstat(fd).st_size
            if size <= START or not path.exists():
                raise BlockingIOError  # being created, or removed by its owner meanwhile
        except BlockingIOError:
            os.close(fd)
            return None
        spool = cls(path, fd, size)
        spool.end = spool.scan()
        return spool

    def append(self, record: bytes) -> bool:
        """Write one record; False when the file has no room for it."""
        end = self.end + _HEAD.size + len(record)
        if end > self.size:
            return False
        self.map[self.end + _HEAD.size : end] = record
        self.map[self.end : self.end + _HEAD.size] = _HEAD.pack(len(record), zlib.crc32(record))
        self.end = end
        return True

    def scan(self) -> int:
        """Where the whole records after ``sent`` end (a crashed writer's file)."""
        at = self.sent
        while at + _HEAD.size <= self.size:
            length, crc = _HEAD.unpack_from(self.map, at)
            stop = at + _HEAD.size + length
            if (
                length == 0
                or stop > self.size
                or zlib.crc32(self.map[at + _HEAD.size : stop]) != crc
            ):
                break
            at = stop
        return at

    def unsent(self, end: int) -> list[bytes]:
        records, at = [], self.sent
        while at < end:
            length = _HEAD.unpack_from(self.map, at)[0]
            records.append(self.map[at + _HEAD.size : at + _HEAD.size + length])
            at += _HEAD.size + length
        return records

    def mark_sent(self, end: int) -> None:
        self.sent = end
        _SENT.pack_into(self.map, 0, end)

    def close(self, *, remove: bool) -> None:
        """Let go of the file (``remove``: delete it first, still holding the lock)."""
        if remove:
            self.path.unlink(missing_ok=True)
        self.map.close()
        os.close(self.fd)


class Spool:
    """This process's spool files and the thread that ships them (``ship``)."""

    def __init__(self, ship: Ship):
        self.ship_records = ship
        self.lock = threading.Lock()
        #: One shipping at a time (the thread, ``confirm``), so that none sends a record twice.
        self.shipping = threading.Lock()
        self.directory: Path | None = None
        self.current: SpoolFile | None = None
        self.full: list[SpoolFile] = []
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        renew_in_child(self._forked)

    def _forked(self) -> None:
        """In a forked child: the files are the parent's, and the thread did not come along;
        close our copies (so the parent's death frees them for adoption) and start anew,
        with new locks (the parent's thread may have held them at the fork)."""
        self.lock, self.shipping = threading.Lock(), threading.Lock()
        self.stopping = threading.Event()
        for spool in [*self.full, *filter(None, [self.current])]:
            spool.map.close()
            os.close(spool.fd)
        self.current, self.full, self.thread = None, [], None

    def append(self, record: bytes, directory: str) -> None:
        """Spool one record (no system call unless a file is opened or full)."""
        with self.lock:
            if self.current is None or not self.current.append(record):
                if self.current is not None:
                    self.full.append(self.current)
                self.directory = Path(directory)
                self.current = SpoolFile.create(self.directory)
                self.current.append(record)
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="verification-spool", daemon=True
                )
                self.thread.start()

    def ship(self) -> int:
        """Send every record not yet sent; returns how many. Raises when neither Redis nor
        PostgreSQL took them: they stay spooled and go with the next call."""
        with self.shipping:
            with self.lock:
                files = [*self.full, *filter(None, [self.current])]
                ends = [spool.end for spool in files]
            shipped = 0
            for spool, end in zip(files, ends, strict=True):
                shipped += _ship_all(spool.unsent(end), self.ship_records)
                with self.lock:
                    spool.mark_sent(end)
                    if spool in self.full and spool.end == end:  # full, and all sent
                        self.full.remove(spool)
                        spool.close(remove=True)
            return shipped

    def close(self) -> None:
        """Ship what is left and delete the files (a clean exit; tests)."""
        self.stopping.set()
        thread = self.thread  # joined without the lock: its round may be waiting for it
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self.ship()
        with self.lock:
            for spool in [*self.full, *filter(None, [self.current])]:
                spool.close(remove=True)
            self.current, self.full, self.thread = None, [], None
            self.stopping.clear()

    def _run(self) -> None:
        adopt_at = 0.0
        try:
            while not self.stopping.wait(SHIP_EVERY_SECONDS):
                try:
                    self.ship()
                    if time.monotonic() >= adopt_at and self.directory is not None:
                        adopt_at = time.monotonic() + ADOPT_EVERY_SECONDS
                        adopt_orphans(self.directory, self.ship_records)
                except Exception:  # the records stay spooled; the next round retries
                    logger.exception("verification spool: shipping failed; retrying")
                    connection.close()
                    self.stopping.wait(RETRY_SECONDS)
        finally:
            connection.close()  # this thread's own, if shipping ever inserted directly


def _ship_all(records: list[bytes], ship: Ship) -> int:
    for start in range(0, len(records), ENTRY_RECORDS):
        ship(records[start : start + ENTRY_RECORDS])
    return len(records)


def adopt_orphans(directory: Path, ship: Ship) -> int:
    """Ship and delete the spool files no live process holds; returns the records shipped."""
    shipped = 0
    for path in sorted(Path(directory).glob(f"*{SUFFIX}")):
        spool = SpoolFile.adopt(path)
        if spool is None:
            continue
        try:
            count = _ship_all(spool.unsent(spool.end), ship)
            if count:
                logger.warning("verification spool: shipped %d checks of %s", count, path)
            shipped += count
            spool.mark_sent(spool.end)
        finally:
            spool.close(remove=spool.sent == spool.end)
    return shipped
