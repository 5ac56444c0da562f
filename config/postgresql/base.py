"""Django's PostgreSQL backend with a health check that costs no round trip (ADR 0033).

``CONN_HEALTH_CHECKS`` makes Django run ``SELECT 1`` on a persistent connection before the
first statement of every request: a whole round trip to PostgreSQL (~0.3 ms of wall time
on a busy host) on the API's hot path, where the request itself needs one statement.

An idle connection has nothing to read: PostgreSQL sends nothing unasked between
statements except when it ends the connection (``pg_terminate_backend``, a shutdown or a
restart sends a FATAL error and closes the socket) or in rare asynchronous messages (a
NOTICE, a changed parameter). So the check asks the kernel, without blocking, whether the
socket is readable. If it is, Django's ``SELECT 1`` decides, as before. If not, the
connection is taken, and two cases remain in which it is dead all the same:

* the backend was told to end but has not closed its socket yet (``pg_terminate_backend``
  returns before the process exits). An idle backend ends without reading anything, so
  the request's first statement, if it runs in autocommit, is sent again once on a new
  connection: it was not executed. Only a connection psycopg2 found broken is retried; a
  statement that failed on a live one (cancelled by a timeout, a deadlock) answers its
  error once. A first statement inside ``atomic()`` is not repeated:
  entering ``atomic()`` on a connection checked by its socket alone runs the ``SELECT 1``
  first, exactly as before;
* the peer vanished without closing the socket (a host lost without a FIN): the request's
  statement fails, the request answers 503 (``portal.middleware``) and the connection is
  replaced, as it would have been after a ``SELECT 1`` had timed out.
"""

import select

from django.db.backends.postgresql import base
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.utils import InterfaceError, OperationalError

READABLE = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def socket_pending(raw) -> bool:
    """Whether the idle connection's socket has something to read (or is closed)."""
    try:
        poller = select.poll()
        poller.register(raw.fileno(), READABLE)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


class _RepeatFirstStatement:
    """Send the first statement after a socket-only check again, once, on a new connection
    when the old one turns out to have been ended (autocommit only; see the module)."""

    def _execute(self, sql, params, *ignored_wrapper_args):
        db = self.db
        if not db.unproven:
            return super()._execute(sql, params, *ignored_wrapper_args)
        db.unproven = False
        try:
            return super()._execute(sql, params, *ignored_wrapper_args)
        except (OperationalError, InterfaceError):
            # Only a connection found broken (psycopg2 marks it closed) is retried: a statement
            # that failed on a live connection (a timeout, a deadlock) is answered as it is.
            broken = db.connection is None or db.connection.closed
            if not broken or db.in_atomic_block or not db.autocommit or self.cursor.name:
                raise
            db.close()
            db.connect()
            self.cursor = db.create_cursor()
            return super()._execute(sql, params, *ignored_wrapper_args)

    def _executemany(self, sql, param_list, *ignored_wrapper_args):
        self.db.unproven = False
        return super()._executemany(sql, param_list, *ignored_wrapper_args)


class _Cursor(_RepeatFirstStatement, CursorWrapper):
    pass


class _DebugCursor(_RepeatFirstStatement, CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    #: True from a health check answered by the socket alone to the first statement.
    unproven = False

    def connect(self):
        self.unproven = False
        super().connect()

    def close_if_health_check_failed(self):
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
            or self.pool
        ):
            return
        if socket_pending(self.connection):
            self.unproven = False
            super().close_if_health_check_failed()  # SELECT 1, as Django does
        else:
            self.health_check_done = self.unproven = True

    def set_autocommit(self, autocommit, *args, **kwargs):
        if not autocommit:
            # A transaction's first statement is not repeated: prove the connection first.
            self.close_if_health_check_failed()
            if self.unproven and self.connection is not None:
                self.unproven = False
                if not self.is_usable():
                    self.close()
        return super().set_autocommit(autocommit, *args, **kwargs)

    def make_cursor(self, cursor):
        return _Cursor(cursor, self)

    def make_debug_cursor(self, cursor):
        return _DebugCursor(cursor, self)
