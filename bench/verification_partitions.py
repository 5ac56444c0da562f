"""The partitioned verification log (ADR 0026): bytes per row, index sizes, and the
holder's log read inside one month's partition against the same read over the whole log.

Fills one month's partition (a month far ahead, made with the beat service) with ROWS
rows through ``generate_series`` (HOLDERS holders, spread over the month, as 查验记录 of
API checks), then prints:

- heap and index bytes per row of that partition (``pg_relation_size``, after VACUUM so
  the visibility map lets the holder's log be index-only);
- the projected size of a month's partition at given daily volumes;
- the holder's last 20 checks within the month (one partition, index-only) per second,
  against the same query without the month bound (every partition, merge-appended);
  ratio = bounded / unbounded.

Detaches and drops its partition at the end. PostgreSQL only (a scratch database):

    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/verification_partitions.py
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "2000000"))
HOLDERS = 50_000
SECONDS = 2.0
ROUNDS = 3
MONTH = datetime.date(2035, 1, 1)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from elicense.services import verification_partitions  # noqa: E402


def _rate(run) -> float:
    rates = []
    for _ in range(ROUNDS):
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < SECONDS:
            run(count)
            count += 1
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("needs DATABASE_URL pointing at a scratch PostgreSQL database")
    call_command("migrate", verbosity=0)
    verification_partitions.ensure_verification_partitions(today=MONTH, months_ahead=0)
    name = verification_partitions.partition_name(MONTH)
    start, end = verification_partitions._bounds(MONTH)
    seconds = (end - start).total_seconds()
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(
            f"""
            INSERT INTO elicense_verification
                (created_at, channel, result, holder_uscc, verifier_label, client_address)
            SELECT %s::timestamptz + (n * %s / %s) * interval '1 second',
                   'api', 'valid',
                   '9131010' || lpad((n %% {HOLDERS})::text, 10, '0') || 'X',
                   '某电商平台', ('203.0.113.' || (n %% 250))::inet
              FROM generate_series(0, %s - 1) AS n
            """,  # noqa: S608 - constants of this script
            [start, seconds, ROWS, ROWS],
        )
        filled = time.perf_counter() - began
        cursor.execute(f'VACUUM ANALYZE "{name}"')
        cursor.execute(
            "SELECT pg_relation_size(%s), pg_indexes_size(%s), (SELECT count(*) FROM "
            "pg_inherits WHERE inhparent = 'elicense_verification'::regclass)",
            [name, name],
        )
        heap, indexes, partitions = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
            "ORDER BY 2 DESC",
            [name],
        )
        index_sizes = cursor.fetchall()

    print(f"rows in {name}: {ROWS:,} ({HOLDERS:,} holders), filled in {filled:.1f} s")
    print(f"heap bytes/row: {heap / ROWS:.0f}; index bytes/row: {indexes / ROWS:.0f}")
    for index, size in index_sizes:
        print(f"  {index}: {size / ROWS:.0f} B/row, {size / 2**20:.0f} MiB")
    per_row = (heap + indexes) / ROWS
    for daily in (1_000_000, 50_000_000, 200_000_000):
        month = per_row * daily * 30
        print(f"a month at {daily:,}/day: {daily * 30:,} rows, {month / 2**30:,.1f} GiB")

    holder = "9131010" + "7".rjust(10, "0") + "X"
    bounded = (
        "SELECT created_at FROM elicense_verification WHERE holder_uscc = %s "
        "AND created_at >= %s AND created_at < %s ORDER BY created_at DESC LIMIT 20"
    )
    unbounded = (
        "SELECT created_at FROM elicense_verification WHERE holder_uscc = %s "
        "ORDER BY created_at DESC LIMIT 20"
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + bounded, [holder, start, end])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        inside = _rate(lambda _: cursor.execute(bounded, [holder, start, end]))
        across = _rate(lambda _: cursor.execute(unbounded, [holder]))
    print(f"plan within the month:\n  {plan.replace(chr(10), chr(10) + '  ')}")
    print(f"holder's log within the month: {inside:,.0f}/s")
    print(f"holder's log over all {partitions} partitions: {across:,.0f}/s")
    print(f"ratio (within / across): {inside / across:.2f}")

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE elicense_verification DETACH PARTITION "{name}"')
        cursor.execute(f'DROP TABLE "{name}"')


if __name__ == "__main__":
    main()
