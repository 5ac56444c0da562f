"""GET /api/v1/licences/{uscc} under gunicorn against a bare Django JSON endpoint.

Without Redis (``REDIS_URL`` is emptied below): the process-memory and stream paths of
ADR 0024 are off, so this measures the fallback. ``bench/verification_path.py`` measures
the deployment shape (Redis, a drainer) in alternating rounds.

Fills a scratch PostgreSQL database (DATABASE_URL, required; it is wiped) with N
certificates by bulk insert (bench set-up only; the portal writes through services),
starts gunicorn on 127.0.0.1 with the portal plus a bare endpoint (bench/bench_settings.py),
and drives both with keep-alive HTTP clients in threads for a fixed number of requests.
Prints requests per second, p50 and p99 for each and the ratio; then grows the data and
measures again.

    createdb portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/api_throughput.py --sizes 10000 1000000
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("ELICENSE_KEY_PASSPHRASE", "bench-only-passphrase")
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from elicense.models import Certificate  # noqa: E402
from elicense.services.relying_parties import create_relying_party  # noqa: E402
from licensing.models import MarketEntity  # noqa: E402
from portal import ratelimit  # noqa: E402
from portal.identifiers import make_uscc  # noqa: E402

PORT = 8765
THREADS = 4
REQUESTS = 3000
BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_for(n: int) -> str:
    body = "".join(BODY[(n // 31**i) % 31] for i in range(8))
    return make_uscc(division="310104", org_body=body)


def grow_to(count: int) -> list[str]:
    have = Certificate.objects.count()
    now, today = timezone.now(), timezone.localdate()
    batch = 5000
    for start in range(have, count, batch):
        numbers = range(start, min(start + batch, count))
        usccs = [uscc_for(n) for n in numbers]
        MarketEntity.objects.bulk_create(
            [
                MarketEntity(
                    uscc=u, name=f"上海基准{n}有限公司", entity_type="llc_natural",
                    legal_person_name="王伟", established_on=today, address="上海市徐汇区",
                    business_scope="餐饮服务", district_id="310104",
                    registration_authority="上海市徐汇区市场监督管理局", registered_on=today,
                )
                for n, u in zip(numbers, usccs, strict=True)
            ]
        )  # fmt: skip
        Certificate.objects.bulk_create(
            [
                Certificate(
                    kind="business_licence", number=u, holder_uscc=u, holder_name=f"上海基准{n}",
                    face={}, valid_from=today, issuer="上海市徐汇区市场监督管理局",
                    source=f"bench:{n}", status="active", signature="x", key_id="bench",
                    signed_at=now, issued_at=now,
                )
                for n, u in zip(numbers, usccs, strict=True)
            ]
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [uscc_for(random.randrange(count)) for _ in range(REQUESTS)]  # noqa: S311


def drive(paths: list[str], key: str) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) with THREADS keep-alive clients."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [paths[i::THREADS] for i in range(THREADS)]

    def client(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        for path in chunk:
            start = time.perf_counter()
            conn.request("GET", path, headers={"Authorization": f"Bearer {key}"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return (
        len(paths) / elapsed,
        statistics.median(latencies) * 1000,
        latencies[int(len(latencies) * 0.99) - 1] * 1000,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("needs DATABASE_URL pointing at a scratch PostgreSQL database")
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", "matters", verbosity=0)
    party, key = create_relying_party(name="基准平台", peak_qps=100_000)
    ratelimit.reset(party.pk)
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{PORT}",
         "-w", "2", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ},
    )  # fmt: skip
    try:
        time.sleep(3)
        print(f"{'certificates':>12} {'bare rps':>9} {'api rps':>8} {'ratio':>6} "
              f"{'bare p99':>9} {'api p50':>8} {'api p99':>8}")  # fmt: skip
        for size in args.sizes:
            usccs = grow_to(size)
            drive(["/bench/bare/"] * 200 + [f"/api/v1/licences/{u}" for u in usccs[:200]], key)
            bare = drive(["/bench/bare/"] * REQUESTS, key)
            api = drive([f"/api/v1/licences/{u}" for u in usccs], key)
            print(f"{size:>12,} {bare[0]:>9,.0f} {api[0]:>8,.0f} {api[0] / bare[0]:>6.2f} "
                  f"{bare[2]:>8.1f}ms {api[1]:>7.1f}ms {api[2]:>7.1f}ms")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
