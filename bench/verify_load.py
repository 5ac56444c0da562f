"""A bounded load test: the verification API at twice a party's declared peak, 60 s.

Fills a scratch PostgreSQL database (DATABASE_URL, required; it is wiped) through the
real services: reference data, a signing key, ENTITIES entities registered in 徐汇 with
their certificates signed, and one relying party declaring ``--peak`` verifications per
second. Starts gunicorn on 127.0.0.1 (the portal, ``--workers`` sync workers, the
compose file's shape) and drives ``POST /api/v1/tokens/verify`` with printed-copy tokens
from a small asyncio client: open loop, requests sent on a fixed schedule at
``--factor`` × peak for ``--seconds``, whatever the answers, one connection per request
(gunicorn's sync workers close each one), after an uncounted 5 s warm-up at the peak.
Loopback only; not part of the test run.

Baseline, measured in the same run: ``--baseline-seconds`` at exactly the peak, where
the limiter should refuse nothing. Prints the answers by status, the achieved rate, p50
and p99 of the 200s and of the 429s, the p99 of the 200s against the baseline's, and how
many 200s the party's token bucket should let through; exits 1 if any answer, in either
phase, was not 200 or 429 (a 5xx, another status, or a failed connection).

With ``--redis-url`` the server's rate limiter is one Redis bucket for all workers (the
deployment's shape); without it each worker has its own bucket, so the party gets up to
workers × peak.

    createdb -h 127.0.0.1 -U postgres portal_lockout_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_lockout_bench \\
        .venv/bin/python bench/verify_load.py --redis-url redis://127.0.0.1:6379/13
"""

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("ELICENSE_KEY_PASSPHRASE", "bench-only-passphrase")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""  # the set-up runs without Redis; the server gets --redis-url

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from config.celery import app  # noqa: E402
from elicense import services  # noqa: E402
from elicense.models import Certificate, CertificateStatus  # noqa: E402
from elicense.services.relying_parties import create_relying_party  # noqa: E402
from licensing import services as register  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal.models import District, Role, User  # noqa: E402

HOST = "127.0.0.1"
PORT = 8766
ENTITIES = 20
MAX_IN_FLIGHT = 256
WARM_UP_SECONDS = 5


def prepare(peak: int) -> tuple[list[str], str]:
    """Wipe and fill the scratch database; return (printed-copy tokens, the party's key)."""
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", "matters", verbosity=0)
    # Queue (into the in-memory broker) rather than run signing and PDFs inline: the
    # certificates stay pending until this script signs them itself.
    app.conf.task_always_eager = False
    services.create_signing_key()
    clerk = User.objects.create(
        username="bench_clerk", role=Role.WINDOW_CLERK, district=District.objects.get(code="310104")
    )
    specs = (spec for spec in demo_entities(16 * ENTITIES) if spec.district_code == "310104")
    for spec in itertools.islice(specs, ENTITIES):
        register.register_entity(acting_user=clerk, district=clerk.district, **spec.registration)
    pending = Certificate.objects.filter(status=CertificateStatus.PENDING_SIGNATURE)
    tokens = [services.sign_certificate(certificate_id=c.pk).signature for c in pending]
    _, key = create_relying_party(name="压测平台", peak_qps=peak)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return tokens, key


async def post(path: str, body: bytes, key: str) -> tuple[int, float]:
    """One request on its own connection: (HTTP status, seconds); status 0 if it failed."""
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(HOST, PORT)
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # headers and body, until the server closes
        writer.close()
        status = int(status_line.split()[1])
    except (OSError, IndexError, ValueError):
        status = 0
    return status, time.perf_counter() - start


async def drive(tokens: list[str], key: str, rate: float, seconds: float):
    """Send rate × seconds requests on a fixed schedule; return [(status, seconds)]."""
    bodies = [json.dumps({"token": token}).encode() for token in tokens]
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    results: list[tuple[int, float]] = []

    async def one(body):
        async with slots:
            results.append(await post("/api/v1/tokens/verify", body, key))

    tasks = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(bodies[n % len(bodies)])))
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


def wait_for_server(server: subprocess.Popen) -> None:
    for _ in range(60):
        if server.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        status, _ = asyncio.run(post("/api/v1/tokens/verify", b"{}", "none"))
        if status:
            return
        time.sleep(0.5)
    sys.exit("gunicorn did not answer within 30 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peak", type=int, default=25, help="the party's declared peak (/s)")
    parser.add_argument("--factor", type=float, default=2.0, help="load as a multiple of peak")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--baseline-seconds", type=float, default=20.0, help="at 1 × peak")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--redis-url", default="", help="the server's REDIS_URL (limiter)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("needs DATABASE_URL pointing at a scratch PostgreSQL database")
    if args.seconds > 120 or args.baseline_seconds > 120:
        sys.exit("a bounded test: at most 120 s a phase")

    tokens, key = prepare(args.peak)
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"{HOST}:{PORT}",
         "-w", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "REDIS_URL": args.redis_url},
    )  # fmt: skip
    try:
        wait_for_server(server)
        # Warm every worker (its first request builds the URLconf and loads the API) at
        # the declared peak, uncounted; then let the party's bucket refill.
        asyncio.run(drive(tokens, key, args.peak, WARM_UP_SECONDS))
        time.sleep(2)
        baseline, _ = asyncio.run(drive(tokens, key, args.peak, args.baseline_seconds))
        time.sleep(2)
        rate = args.peak * args.factor
        results, elapsed = asyncio.run(drive(tokens, key, rate, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)

    report(args, rate, baseline, results, elapsed)


def report(args, rate, baseline, results, elapsed) -> None:
    """Print both phases; exit 1 if any answer was neither 200 nor 429."""
    statuses = Counter(status for status, _ in results)
    base_statuses = Counter(status for status, _ in baseline)
    ok = [t for status, t in results if status == 200]
    limited = [t for status, t in results if status == 429]
    base_ok = [t for status, t in baseline if status == 200]
    limiter = "one Redis bucket" if args.redis_url else f"{args.workers} per-process buckets"
    allowed = (1 if args.redis_url else args.workers) * args.peak * (elapsed + 1)
    base_p50, base_p99 = percentile(base_ok, 0.50), percentile(base_ok, 0.99)
    ok_p50, ok_p99 = percentile(ok, 0.50), percentile(ok, 0.99)
    print(f"declared peak {args.peak}/s; {args.workers} gunicorn workers; limiter: {limiter}")
    print(f"baseline, {args.peak}/s for {args.baseline_seconds:g} s: "
          f"{dict(sorted(base_statuses.items()))}; "
          f"200s p50 {base_p50:.1f} ms, p99 {base_p99:.1f} ms")  # fmt: skip
    print(f"load, {rate:g}/s for {args.seconds:g} s: {dict(sorted(statuses.items()))} "
          f"({len(results) / elapsed:.1f}/s achieved; status 0: connection failed)")  # fmt: skip
    print(f"  200: {len(ok)} (the bucket allows about {allowed:.0f}); "
          f"p50 {ok_p50:.1f} ms, p99 {ok_p99:.1f} ms, "
          f"p99 / baseline p99 {ok_p99 / max(base_p99, 1e-3):.2f}")  # fmt: skip
    print(f"  429: {len(limited)}; p50 {percentile(limited, 0.50):.1f} ms, "
          f"p99 {percentile(limited, 0.99):.1f} ms")  # fmt: skip
    bad = {s: n for s, n in (statuses + base_statuses).items() if s not in (200, 429)}
    if bad:
        print(f"FAIL: answers other than 200 or 429: {bad}")
        sys.exit(1)
    print("OK: every answer 200 or 429, none 5xx")


if __name__ == "__main__":
    main()
