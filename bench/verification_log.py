"""The 查验记录 decision (ADR 0024): what one logged check costs, three ways, same run.

A. ``Verification.objects.create`` in autocommit (the portal before ADR 0024): the web
   process waits for the WAL flush on every check.
B. the same insert on a connection with ``synchronous_commit=off`` (the commit returns before
   the flush; a PostgreSQL crash may lose the last ~0.6 s of checks).
C. ``XADD`` of the check to a Redis stream, plus the drainer's share: ``XREADGROUP`` of 500,
   one ``INSERT ... ON CONFLICT DO NOTHING`` of the batch, ``XACK`` + ``XDEL``.

Rounds alternate A, B, C (``ROUNDS`` rounds of ``CHECKS`` checks each); prints the median wall
µs per check, the web process's CPU µs per check (``time.process_time``), the PostgreSQL
backend's CPU (from /proc) and Redis's (``INFO cpu``) per check, and each ratio to A.

    createdb portal_speed_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_speed_bench \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/verification_log.py
"""

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("ELICENSE_KEY_PASSPHRASE", "bench-only-passphrase")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from elicense.models import Verification  # noqa: E402

CHECKS = 2000
ROUNDS = 5
STREAM = "bench:checklog"
GROUP = "drainers"


def backend_cpu(conn) -> float:
    """Seconds of CPU the PostgreSQL backend of ``conn`` has used (same host only)."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def row() -> dict:
    return {
        "check_id": uuid.uuid4(),
        "created_at": timezone.now(),
        "channel": "api",
        "result": "valid",
        "certificate_id": None,
        "holder_uscc": "91310104MA1FL8KQ5X",
        "verifier_label": "基准平台",
        "relying_party_id": None,
        "client_address": "127.0.0.1",
    }


def insert(conn_alias: str) -> None:
    for _ in range(CHECKS):
        Verification.objects.using(conn_alias).create(**row())


def stream_append(client) -> None:
    for _ in range(CHECKS):
        fields = row()
        fields["check_id"] = str(fields["check_id"])
        fields["created_at"] = fields["created_at"].isoformat()
        client.xadd(STREAM, {"v": json.dumps(fields, separators=(",", ":"))})


def stream_drain(client) -> int:
    done = 0
    while True:
        answer = client.xreadgroup(GROUP, "bench", {STREAM: ">"}, count=500)
        if not answer:
            return done
        entries = answer[0][1]
        rows = [Verification(**json.loads(fields[b"v"])) for _id, fields in entries]
        Verification.objects.bulk_create(rows, ignore_conflicts=True)
        ids = [entry_id for entry_id, _ in entries]
        pipe = client.pipeline(transaction=False)
        pipe.xack(STREAM, GROUP, *ids)
        pipe.xdel(STREAM, *ids)
        pipe.execute()
        done += len(entries)


def measure(run, conns, client) -> tuple[float, float, float, float]:
    """(wall µs, process CPU µs, PostgreSQL CPU µs, Redis CPU µs) per check."""
    pg0 = sum(backend_cpu(c) for c in conns)
    r0 = redis_cpu(client)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    pg = sum(backend_cpu(c) for c in conns) - pg0
    red = redis_cpu(client) - r0
    return tuple(x / CHECKS * 1e6 for x in (wall, cpu, pg, red))


def main():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("needs DATABASE_URL (scratch PostgreSQL) and REDIS_URL")
    call_command("migrate", verbosity=0)
    settings.DATABASES["nosync"] = {
        **settings.DATABASES["default"],
        "OPTIONS": {"options": "-c synchronous_commit=off"},
    }
    nosync = connections["nosync"]
    nosync.ensure_connection()
    connection.ensure_connection()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(STREAM)
    client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    figures = {"A": [], "B": [], "C": [], "C-append": [], "C-drain": []}
    for _ in range(ROUNDS):
        figures["A"].append(measure(lambda: insert("default"), [connection], client))
        figures["B"].append(measure(lambda: insert("nosync"), [nosync], client))
        append = measure(lambda: stream_append(client), [connection], client)
        drain = measure(lambda: stream_drain(client), [connection], client)
        figures["C-append"].append(append)
        figures["C-drain"].append(drain)
        figures["C"].append(tuple(a + d for a, d in zip(append, drain, strict=True)))
    client.delete(STREAM)
    print(f"{CHECKS} checks per round, {ROUNDS} rounds alternating, medians, µs per check")
    print(f"{'':28} {'wall':>7} {'web CPU':>8} {'PG CPU':>7} {'Redis CPU':>9} {'wall ÷ A':>8}")
    base = statistics.median(f[0] for f in figures["A"])
    labels = {
        "A": "A insert, synchronous_commit",
        "B": "B insert, sync_commit=off",
        "C-append": "C XADD (web process)",
        "C-drain": "C drain share (drainer)",
        "C": "C stream, total",
    }
    for name, label in labels.items():
        med = [statistics.median(f[i] for f in figures[name]) for i in range(4)]
        print(f"{label:28} {med[0]:>7.0f} {med[1]:>8.0f} {med[2]:>7.0f} {med[3]:>9.0f} "
              f"{med[0] / base:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
