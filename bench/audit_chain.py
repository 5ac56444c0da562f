"""Sealing and verifying the HMAC-SM3 audit chain at 1,000,000 events (PostgreSQL).

Fills a scratch PostgreSQL database (DATABASE_URL, required; its audit table is emptied) with
N audit events in SQL (INSERT … SELECT generate_series; bench set-up only, the portal writes
through ``record_event``), then times in one run:

- reading the rows alone, in chain order, with the fields the chain covers (the baseline);
- ``audit_chain.seal()`` over all of them (the first seal of an existing table);
- ``audit_chain.verify()`` over the whole chain, and its ratio to reading alone.

    createdb portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/audit_chain.py --events 1000000
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit("bench/audit_chain.py needs DATABASE_URL=postgres://… (a scratch database).")
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""
os.environ["AUDIT_CHAIN_KEY"] = "bench-only-chain-key"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from portal import audit_chain  # noqa: E402
from portal.models import AuditEvent  # noqa: E402

EVENTS = """
INSERT INTO portal_auditevent (created_at, actor_label, action, object_type, object_id,
    object_repr, changes, client_address)
SELECT now() - interval '1 second' * (%(n)s - n), '窗口' || (n %% 97), 'certificate.signed',
    'elicense.certificate', n::text, '证照 ' || n,
    jsonb_build_object('kid', '20261202-a1b2', 'n', n), '10.0.0.1'
FROM generate_series(1, %(n)s) AS n
"""


def timed(call):
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def read_alone() -> int:
    rows = (
        AuditEvent.objects.filter(chain_seq__isnull=False)
        .order_by("chain_seq")
        .values_list(*audit_chain.FIELDS, "chain_value")
        .iterator(chunk_size=audit_chain.BATCH)
    )
    return sum(1 for _ in rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    count = parser.parse_args().events
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE portal_auditevent")
        cursor.execute(EVENTS, {"n": count})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE portal_auditevent")
    seal_s, sealed = timed(audit_chain.seal)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE portal_auditevent")
    read_s, read = timed(read_alone)
    verify_s, report = timed(audit_chain.verify)
    assert sealed == read == report.checked == count and report.ok
    print(f"{count:,} events, PostgreSQL {connection.pg_version}")
    print(f"seal (first, all events)   {seal_s:8.1f} s")
    print(f"read the rows alone        {read_s:8.1f} s")
    print(
        f"verify the chain           {verify_s:8.1f} s   ratio to reading {verify_s / read_s:.2f}"
    )


if __name__ == "__main__":
    main()
