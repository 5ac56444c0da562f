"""Taking values from a ``Counter`` (ADR 0032): the one way the portal numbers things in order.

``take_counter`` and ``hold_counter`` lock the counter's row (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers anyway) and must run inside the caller's transaction:
concurrent callers never share a value, the lock is held until the caller commits, and a
rolled-back caller gives its values back. They write no audit event of their own: a number
is taken for a business action (a submission, an approval, the feed's numbering), and that
action is what its own service audits.
"""

from django.db import transaction

from portal.models.counters import Counter


class CounterExhausted(Exception):
    """Taking ``count`` more values would pass the caller's ``ceiling``; nothing was taken."""


def hold_counter(*, key: str) -> int:
    """Lock the row of ``key`` (creating it at 0) until the transaction ends; its value.

    For a caller that must decide how many values to take while nobody else can take any
    (the change feed counts the events waiting for a sequence under the lock).
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("counters are taken inside a transaction")
    Counter.objects.bulk_create([Counter(key=key)], ignore_conflicts=True)
    return Counter.objects.select_for_update().values_list("value", flat=True).get(key=key)


def take_counter(*, key: str, count: int = 1, ceiling: int | None = None) -> range:
    """Advance ``key`` by ``count`` under its row lock; the values taken, in order.

    ``take_counter(key=k)[0]`` is the next single value; ``take_counter(key=k, count=n)``
    a block of ``n``.
    With ``ceiling``, raises ``CounterExhausted`` (taking nothing) when the last value would
    pass it.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    last = hold_counter(key=key)
    if ceiling is not None and last + count > ceiling:
        raise CounterExhausted(key)
    Counter.objects.filter(key=key).update(value=last + count)
    return range(last + 1, last + count + 1)
