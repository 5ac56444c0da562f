"""The verification log's monthly partitions (ADR 0026): made ahead, detached when old.

On PostgreSQL the 查验记录 table is partitioned by month of ``created_at`` in TIME_ZONE
(migration 0011). Beat runs ``maintain_verification_partitions`` daily:

- ``ensure_verification_partitions`` makes this month's and the next
  VERIFICATION_LOG_MONTHS_AHEAD months' partitions. Each is built as a table of its own and
  attached, so rows that reached the DEFAULT partition meanwhile (beat was down over a
  month's turn) move into it in the same transaction; the parent is never locked against
  inserts while a partition is made.
- ``detach_old_verification_partitions`` detaches every partition of a month more than
  VERIFICATION_LOG_RETENTION_MONTHS months back (0: keep everything). A detached
  partition is an ordinary table under the same name, out of every query: the operator
  archives it (``pg_dump -t``) and drops it. Nothing is deleted row by row.

Both are audited (actor: the system) and do nothing on SQLite, whose table is plain.
"""

import dataclasses
import datetime
import re

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from elicense.audit import ElicenseAction
from elicense.models import Verification
from portal.audit import record_event

TABLE = Verification._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
_MONTHLY = re.compile(rf"^{TABLE}_y(\d{{4}})m(\d{{2}})$")


@dataclasses.dataclass(frozen=True)
class Partition:
    """One attached partition of the verification log."""

    name: str
    month: datetime.date | None  # None for the DEFAULT partition
    rows: int  # the planner's estimate (pg_class.reltuples), not a count


def partitioned() -> bool:
    """Whether the verification log is a partitioned table here (PostgreSQL after 0011)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE]
        )
        return cursor.fetchone() is not None


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the month ``moment`` falls in, in TIME_ZONE (the partitions' months)."""
    return timezone.localtime(moment).date().replace(day=1)


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(_add_months(month, 1), datetime.time(), tzinfo=zone)
    return start, end


def partitions() -> list[Partition]:
    """The attached partitions, oldest month first, the DEFAULT partition last."""
    if not partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname, child.reltuples FROM pg_inherits "
            "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
            "WHERE pg_inherits.inhparent = to_regclass(%s)",
            [TABLE],
        )
        found = []
        for name, rows in cursor.fetchall():
            match = _MONTHLY.match(name)
            month = datetime.date(int(match[1]), int(match[2]), 1) if match else None
            found.append(Partition(name=name, month=month, rows=max(int(rows), 0)))
    return sorted(found, key=lambda p: (p.month is None, p.month or datetime.date.min))


def ensure_verification_partitions(
    *, today: datetime.date | None = None, months_ahead: int | None = None
) -> list[str]:
    """Make the partitions of this month and the next ``months_ahead``; returns those made."""
    if not partitioned():
        return []
    today = today or timezone.localdate()
    if months_ahead is None:
        months_ahead = settings.VERIFICATION_LOG_MONTHS_AHEAD
    first = today.replace(day=1)
    made = []
    for offset in range(months_ahead + 1):
        month = _add_months(first, offset)
        if _attach_month(month):
            made.append(partition_name(month))
    return made


@transaction.atomic
def _attach_month(month: datetime.date) -> bool:
    """Build ``month``'s partition beside the table, move its rows out of DEFAULT, attach it.

    Returns False when it exists already. The attach validates the new table against its
    bounds and DEFAULT against the new range (both hold by construction).
    """
    name = partition_name(month)
    start, end = _bounds(month)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        quoted, table = connection.ops.quote_name(name), connection.ops.quote_name(TABLE)
        default = connection.ops.quote_name(DEFAULT_PARTITION)
        cursor.execute(f"CREATE TABLE {quoted} (LIKE {table} INCLUDING DEFAULTS)")
        # Our own quoted table names; the bounds are bound parameters.
        move = (
            f"WITH moved AS (DELETE FROM {default} WHERE created_at >= %s AND created_at < %s "  # noqa: S608
            f"RETURNING *) INSERT INTO {quoted} SELECT * FROM moved"
        )
        cursor.execute(move, [start, end])
        moved = cursor.rowcount
        cursor.execute(
            f"ALTER TABLE {table} ATTACH PARTITION {quoted} FOR VALUES FROM (%s) TO (%s)",
            [start, end],
        )
    record_event(
        actor=None,
        action=ElicenseAction.VERIFICATION_LOG_PARTITION_CREATED,
        object_type="elicense.verification",
        object_id=name,
        object_repr=f"查验记录分区 {month:%Y-%m}",
        changes={"month": f"{month:%Y-%m}", "rows_moved_from_default": moved},
    )
    return True


def detach_old_verification_partitions(
    *, today: datetime.date | None = None, retention_months: int | None = None
) -> list[str]:
    """Detach the partitions of months before the retention window; returns their names."""
    if retention_months is None:
        retention_months = settings.VERIFICATION_LOG_RETENTION_MONTHS
    if retention_months <= 0 or not partitioned():
        return []
    today = today or timezone.localdate()
    oldest_kept = _add_months(today.replace(day=1), -retention_months)
    detached = []
    for partition in partitions():
        if partition.month is not None and partition.month < oldest_kept:
            _detach(partition)
            detached.append(partition.name)
    return detached


@transaction.atomic
def _detach(partition: Partition) -> None:
    table = connection.ops.quote_name(TABLE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {table} DETACH PARTITION {connection.ops.quote_name(partition.name)}"
        )
    record_event(
        actor=None,
        action=ElicenseAction.VERIFICATION_LOG_PARTITION_DETACHED,
        object_type="elicense.verification",
        object_id=partition.name,
        object_repr=f"查验记录分区 {partition.month:%Y-%m}",
        changes={"month": f"{partition.month:%Y-%m}", "estimated_rows": partition.rows},
    )


def maintain_verification_partitions(*, today: datetime.date | None = None) -> dict:
    """Beat's daily job: make the coming months' partitions, detach the expired ones."""
    return {
        "created": ensure_verification_partitions(today=today),
        "detached": detach_old_verification_partitions(today=today),
    }
