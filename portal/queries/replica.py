"""Reads that may come from a read replica (ADR 0026).

With DATABASE_REPLICA_URL set, settings add the ``replica`` database. Nothing goes there
by default: a page opts in with ``@reads_from_replica`` (dashboards, roll-ups, exports,
public lists) or a block with ``with from_replica():``, and only its reads move; every
write, and every read anywhere else, stays on the primary, so what a user just did is what
they see. A browser that posted something in the last REPLICA_PIN_SECONDS reads from the
primary even on those pages (``ReplicaPinMiddleware`` sets the pin), so a roll-up built a
moment ago is on the page the build redirects to, however far the replica lags.

Without a replica all of this is a no-op.
"""

import contextlib
import contextvars
import functools

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
#: The cookie that pins a browser's reads to the primary after it wrote.
PIN_COOKIE = "portal_primary"

_reading_replica = contextvars.ContextVar("reading_replica", default=False)


def has_replica() -> bool:
    """Whether a replica is configured (settings.DATABASES, as the connections know it)."""
    return REPLICA in connections.settings


@contextlib.contextmanager
def from_replica():
    """Send this block's reads to the replica (when there is one)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_from_replica(view):
    """A read-only page whose queries may lag the primary by a moment.

    Put it under ``@login_required``: the session and the user are read first, from the
    primary. A browser pinned by a recent write reads from the primary.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - load the session and user from the primary
        if not has_replica() or request.COOKIES.get(PIN_COOKIE):
            return view(request, *args, **kwargs)
        with from_replica():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads inside ``from_replica`` go to the replica; the rest,
    and every write and migration, to the primary."""

    def db_for_read(self, model, **hints):
        if _reading_replica.get() and has_replica():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
