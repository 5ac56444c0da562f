"""Per-process state that a forked child must not inherit as it is.

Gunicorn and Celery fork their workers; the verification path keeps sockets, spool files,
locks and random ids in process memory. A child renews them in ``os.register_at_fork``'s
hook, which runs in the child before any of its code: no lock a parent's thread held at the
fork is ever waited for, and the hot path needs no ``getpid`` system call to find out.
"""

import os
import weakref
from collections.abc import Callable


def renew_in_child(renew: Callable[[], None]) -> None:
    """Call ``renew`` (a bound method) in every child forked from now on, while its object
    lives (held weakly: tests make and drop such objects)."""
    method = weakref.WeakMethod(renew)

    def call() -> None:
        bound = method()
        if bound is not None:
            bound()

    os.register_at_fork(after_in_child=call)
