"""Logging filters."""

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Let one record per (logger, message) through every ``seconds``; drop the repeats.

    For errors that repeat on every request during an outage (a lost Redis): the first
    says so at once, the log does not fill with the rest.
    """

    def __init__(self, seconds: float = 60):
        super().__init__()
        self.seconds = seconds
        self.lock = threading.Lock()
        self.last: dict[tuple[str, str], float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, str(record.msg))
        now = time.monotonic()
        with self.lock:
            if now - self.last.get(key, -self.seconds) < self.seconds:
                return False
            self.last[key] = now
        return True
