"""Issue 15's table from one run (ADR 0024): every figure against its baseline, measured in
alternating rounds (A, B, A, B ...), medians of ROUNDS, CPU per request beside the wall ratio.

1. ``GET /api/v1/licences/{uscc}`` req/s ÷ a bare Django JSON endpoint on the same gunicorn
   (``bench_settings.py``), p99; at each size in ``--sizes`` with uniform and Zipf-distributed
   holders; the API at the largest size ÷ at the smallest. Each size has its own database,
   Redis database, gunicorn and drainer (``Site``), and the sizes alternate within each round
   (A B, then B A). Each ratio is the median of each round's own ratio (``paired``): the
   machine's speed drifts by up to ×1.5 within minutes here.
2. Token verifications/s through ``verify_token`` ÷ raw Ed25519 verifications/s (pyca), in
   this process.
3. Certificate PDF render ÷ a one-line WeasyPrint PDF with Noto Sans CJK SC.
4. 一业一证 requirements lookups/s ÷ the bare endpoint (gunicorn).
5. The 查验记录's delay from check to visible row at the API's full rate (p50, p99): a
   sampler reads new rows every 20 ms while the API rounds run (a drainer runs beside them).

CPU per request is the gunicorn workers' and PostgreSQL backends' CPU time (from /proc)
divided by the requests of the round, and each apart ("web", "db"). The database is wiped:
use a scratch one. The smallest size uses it and ``REDIS_URL``'s database; each larger size
uses ``<database>_<size>`` (created, and wiped on every run) and the next Redis database.

    createdb portal_speed_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_speed_bench \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/verification_path.py \\
        --sizes 10000 1000000
"""

import argparse
import dataclasses
import functools
import http.client
import itertools
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("ELICENSE_KEY_PASSPHRASE", "bench-only-passphrase")
os.environ["DEBUG"] = "false"
#: The 查验记录 goes through each process's spool, as deployed (ADR 0040); set it empty to
#: measure each check sending its own record (ADR 0035).
os.environ.setdefault("VERIFICATION_SPOOL_DIR", str(ROOT / "var" / "bench-spool"))

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.celery import app  # noqa: E402
from elicense import crypto, services  # noqa: E402
from elicense.models import Certificate, CertificateStatus, SigningKey  # noqa: E402
from elicense.pdf import render_pdf  # noqa: E402
from elicense.services.documents import public_url  # noqa: E402
from elicense.services.relying_parties import create_relying_party  # noqa: E402
from elicense.verification import verify_token  # noqa: E402
from licensing import services as register  # noqa: E402
from licensing.models import MarketEntity  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal import ratelimit  # noqa: E402
from portal.identifiers import make_uscc  # noqa: E402
from portal.models import District, Role, User  # noqa: E402

PORT = 8766
THREADS = 4
#: gunicorn workers a site (``--workers``): 2, as in every earlier run of this table; the
#: deployment runs 3 (``docker-compose.yml``).
WORKERS = 2
REQUESTS = 1500
ROUNDS = 7
CALLS = 2000
BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CATALOGUE = ROOT / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"
REQUIREMENTS = "/api/v1/catalogue/formats/6/requirements?venue=exhibition_hall&district=310115"


def uscc_for(n: int) -> str:
    body = "".join(BODY[(n // 31**i) % 31] for i in range(8))
    return make_uscc(division="310104", org_body=body)


def grow_to(count: int) -> None:
    """Bench set-up only: bulk rows (the portal writes through services)."""
    have = MarketEntity.objects.filter(name__startswith="上海基准").count()
    now, today = timezone.now(), timezone.localdate()
    for start in range(have, count, 5000):
        numbers = range(start, min(start + 5000, count))
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
    # As autovacuum leaves a table some time after its inserts: the rows' hint bits and the
    # visibility map set. Fresh from the load, each first read of a row looks its inserting
    # transaction up and writes the row's page: a cost the 1,000,000 paid and the 10,000,
    # read again and again, did not.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(master: int, database: str) -> tuple[float, float]:
    """CPU seconds of the gunicorn workers, and of ``database``'s backends."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        backends = [row[0] for row in cursor.fetchall()]
    return sum(_cpu_of(int(pid)) for pid in children), sum(_cpu_of(pid) for pid in backends)


def drive(site: "Site", paths: list[str]) -> dict:
    """Requests/s, p50/p99 ms and server CPU µs per request, THREADS keep-alive clients."""
    latencies: list[float] = []
    lock = threading.Lock()
    chunks = [paths[i::THREADS] for i in range(THREADS)]
    headers = {"Authorization": f"Bearer {site.key}"}

    def client(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)
        mine = []
        for path in chunk:
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)

    cpu0 = server_cpu(site.server.pid, site.database)
    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    after = server_cpu(site.server.pid, site.database)
    web, db = (a - b for a, b in zip(after, cpu0, strict=True))
    latencies.sort()
    return {
        "rps": len(paths) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "cpu": (web + db) / len(paths) * 1e6,
        "web": web / len(paths) * 1e6,
        "db": db / len(paths) * 1e6,
    }


def median_of(results: list[dict]) -> dict:
    return {name: statistics.median(r[name] for r in results) for name in results[0]}


class LogSampler:
    """Reads new 查验记录 rows of ``database`` every 20 ms: delay = first seen - the check's
    own time."""

    def __init__(self, database: str):
        self.database = database
        self.delays: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        own = type(connections["default"])({**connection.settings_dict, "NAME": self.database})
        with own.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM elicense_verification")
            last = cursor.fetchone()[0]
            while not self.stop.is_set():
                cursor.execute(
                    "SELECT id, extract(epoch from clock_timestamp() - created_at) "
                    "FROM elicense_verification WHERE id > %s ORDER BY id",
                    [last],
                )
                rows = cursor.fetchall()
                if rows:
                    last = rows[-1][0]
                    self.delays.extend(float(delay) for _id, delay in rows)
                time.sleep(0.02)
        own.close()


def signed_tokens(count: int = 20) -> list[str]:
    app.conf.task_always_eager = False
    services.create_signing_key()
    clerk = User.objects.create(
        username="bench_clerk", role=Role.WINDOW_CLERK, district=District.objects.get(code="310104")
    )
    specs = (spec for spec in demo_entities(16 * count) if spec.district_code == "310104")
    for spec in itertools.islice(specs, count):
        register.register_entity(acting_user=clerk, district=clerk.district, **spec.registration)
    pending = Certificate.objects.filter(status=CertificateStatus.PENDING_SIGNATURE)
    return [services.sign_certificate(certificate_id=c.pk).signature for c in pending]


def timed(call, items, calls=CALLS) -> dict:
    cycle = itertools.cycle(items)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(calls):
        call(next(cycle))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {"rps": calls / wall, "cpu": cpu / calls * 1e6}


def tokens_figure(tokens: list[str]) -> tuple[dict, dict]:
    key = crypto.load_public_key(SigningKey.objects.get().public_key)
    raw = [
        (t.rpartition(".")[0].encode(), crypto.b64url_decode(t.rpartition(".")[2])) for t in tokens
    ]

    def service(token):
        assert verify_token(token, channel="api", verifier_label="bench").ok

    def ed25519(pair):
        key.verify(pair[1], pair[0])

    service(tokens[0])
    a, b = [], []
    for _ in range(ROUNDS):
        a.append(timed(ed25519, raw))
        b.append(timed(service, tokens))
    return median_of(a), median_of(b)


def pdf_figure() -> tuple[dict, dict]:
    from weasyprint import HTML

    certificate = Certificate.objects.filter(status="active").exclude(key_id="bench").first()
    url = public_url(certificate)
    baseline = (
        '<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'">'
        "<p>营业执照</p></body></html>"
    )
    render_pdf(certificate, public_url=url)
    a, b = [], []
    for _ in range(ROUNDS):
        a.append(timed(lambda _: HTML(string=baseline).write_pdf(), [0], calls=3))
        b.append(timed(lambda _: render_pdf(certificate, public_url=url), [0], calls=3))
    return median_of(a), median_of(b)


@dataclasses.dataclass
class Site:
    """One size: its own database, Redis database, gunicorn and drainer, so that the sizes
    are measured in alternating rounds like every other figure (the machine's speed drifts
    by up to ×1.5 over the minutes one size takes)."""

    size: int
    database: str
    redis_url: str
    port: int
    workers: int = WORKERS
    key: str = ""
    server: subprocess.Popen | None = None
    drainer: subprocess.Popen | None = None
    population: list[str] = dataclasses.field(default_factory=list)
    results: dict = dataclasses.field(
        default_factory=lambda: {"uniform": [], "zipf": [], "requirements": []}
    )

    def use(self) -> None:
        """Point this process's database connection and Redis at this site."""
        connection.close()
        connection.settings_dict["NAME"] = self.database
        settings.REDIS_URL = self.redis_url

    def set_up(self) -> None:
        """Wipe, migrate and fill the site's database; a relying party without a limit."""
        self.use()
        redis.Redis.from_url(self.redis_url).flushdb()  # the bench's own Redis databases
        call_command("flush", "--noinput", verbosity=0)
        call_command("migrate", verbosity=0)
        call_command("loaddata", "districts", "departments", "matters", verbosity=0)
        call_command("import_catalogue", str(CATALOGUE), edition="基准", publish=True, verbosity=0)
        grow_to(self.size)
        party, self.key = create_relying_party(name="基准平台", peak_qps=1_000_000)
        ratelimit.reset(party.pk)
        self.population = [uscc_for(n) for n in range(self.size)]

    def start(self) -> None:
        env = {
            **os.environ, "VERIFICATION_LOG": "stream", "REDIS_URL": self.redis_url,
            "DATABASE_URL": _with_path(os.environ["DATABASE_URL"], self.database),
            "VERIFICATION_SPOOL_DIR": f"{os.environ['VERIFICATION_SPOOL_DIR']}/{self.size}",
        }  # fmt: skip
        self.server = subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b",
             f"127.0.0.1:{self.port}", "-w", str(self.workers), "--log-level", "warning",
             "--no-control-socket"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        self.drainer = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "drain_verification_log"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        for process in (self.server, self.drainer):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)

    def paths(self, rng: random.Random, kind: str) -> list[str]:
        if kind == "requirements":
            return [REQUIREMENTS] * REQUESTS
        weights = _zipf_weights(self.size) if kind == "zipf" else None
        holders = rng.choices(self.population, cum_weights=weights, k=REQUESTS)
        return [f"/api/v1/licences/{uscc}" for uscc in holders]


@functools.cache
def _zipf_weights(size: int) -> list[float]:
    return list(itertools.accumulate(1 / (k + 1) ** 1.1 for k in range(size)))


def _with_path(url: str, path: str) -> str:
    """``url`` with its path (a database name, a Redis database number) replaced."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{path}"))


def sites_for(sizes: list[int], workers: int = WORKERS) -> list[Site]:
    """The smallest size on ``DATABASE_URL``'s database and ``REDIS_URL``'s; each other size on
    ``<database>_<size>`` (created) and the next Redis database numbers."""
    base = connection.settings_dict["NAME"]
    redis_db = int(urlsplit(settings.REDIS_URL).path.strip("/") or 0)
    sites = []
    for index, size in enumerate(sorted(sizes)):
        database = base if index == 0 else f"{base}_{size}"
        if index:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{database}"')
        redis_url = _with_path(settings.REDIS_URL, str(redis_db + index))
        sites.append(
            Site(size=size, database=database, redis_url=redis_url, port=PORT + index,
                 workers=workers)
        )  # fmt: skip
    return sites


def paired(values: list[dict], baselines: list[dict], field: str = "rps") -> float:
    """The median over rounds of each round's ratio to its own baseline, measured just
    before it: the machine's drift between rounds cancels."""
    return statistics.median(v[field] / b[field] for v, b in zip(values, baselines, strict=True))


def print_site(site: Site, bare: dict[str, list[dict]]) -> None:
    """The site's table; each figure against the bare endpoint of its own round (the one
    driven before ``zipf`` for ``requirements``)."""
    print(f"\n## {site.size:,} certificates")
    print(f"{'endpoint':<26} {'req/s':>7} {'÷ bare':>7} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'CPU µs':>7} {'CPU ÷ bare':>10} {'web µs':>7} {'db µs':>7}")  # fmt: skip
    every_bare = bare["uniform"] + bare["zipf"]
    rows = {"bare JSON endpoint": (every_bare, every_bare)}
    labels = {"uniform": "licences, uniform holders", "zipf": "licences, Zipf holders",
              "requirements": "一业一证 requirements"}  # fmt: skip
    for kind, values in site.results.items():
        rows[labels[kind]] = (values, bare["zipf" if kind == "requirements" else kind])
    for label, (values, baselines) in rows.items():
        m = median_of(values)
        print(f"{label:<26} {m['rps']:>7,.0f} {paired(values, baselines):>7.2f} "
              f"{m['p50']:>7.1f} {m['p99']:>7.1f} {m['cpu']:>7,.0f} "
              f"{paired(values, baselines, 'cpu'):>10.2f} "
              f"{m['web']:>7,.0f} {m['db']:>7,.0f}")  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("needs DATABASE_URL (a scratch PostgreSQL database) and REDIS_URL")
    sites = sites_for(args.sizes, args.workers)
    for site in reversed(sites):  # the smallest last: its database is the one in use below
        site.set_up()
    tokens = signed_tokens()
    load = os.getloadavg()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {platform.node()} · "
          f"{os.cpu_count()} CPUs · {platform.processor() or platform.machine()} · "
          f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
    print(f"# alternating rounds (bare, then each size), median of {ROUNDS}; each size on its "
          f"own gunicorn -w {args.workers} and database; {THREADS} keep-alive clients, {REQUESTS} "
          f"requests a round; CPU: server µs a request")  # fmt: skip
    rng = random.Random(15)
    bare_paths, bare = ["/bench/bare/"] * REQUESTS, {"uniform": [], "zipf": []}
    sampler = LogSampler(sites[-1].database)
    try:
        for site in sites:
            site.start()
        time.sleep(3)
        for site in sites:
            warm = [f"/api/v1/licences/{u}" for u in rng.sample(site.population, 200)]
            drive(site, ["/bench/bare/"] * 200 + warm)
        sampler.thread.start()
        for round_number in range(ROUNDS):
            order = sites if round_number % 2 == 0 else sites[::-1]  # A B, then B A
            for kind in ("uniform", "zipf", "requirements"):
                if kind in bare:
                    bare[kind].append(drive(sites[0], bare_paths))
                for site in order:
                    site.results[kind].append(drive(site, site.paths(rng, kind)))
        time.sleep(2.5)
        sampler.stop.set()
        sampler.thread.join(timeout=10)
        for site in sites:
            print_site(site, bare)
        small, large = sites[0], sites[-1]
        if large is not small:
            for kind in ("uniform", "zipf"):
                ratio = paired(large.results[kind], small.results[kind])
                print(f"API {kind}: {large.size:,} ÷ {small.size:,} certificates = {ratio:.2f}, "
                      "the median of each round's (goal ≥ 0.9)")  # fmt: skip
        delays = sorted(sampler.delays)
        if delays:
            p50 = statistics.median(delays)
            p99 = delays[int(len(delays) * 0.99) - 1]
            print(f"查验记录 delay, check → visible row, {len(delays):,} checks at the API's "
                  f"full rate ({large.size:,} certificates): p50 {p50 * 1000:.0f} ms, "
                  f"p99 {p99 * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms "
                  "(goal p99 ≤ 2 s)")  # fmt: skip
    finally:
        for site in sites:
            site.stop()

    sites[0].use()
    raw, service = tokens_figure(tokens)
    print(f"\ntoken verifications: raw Ed25519 {raw['rps']:,.0f}/s ({raw['cpu']:.0f} µs CPU), "
          f"verify_token {service['rps']:,.0f}/s ({service['cpu']:.0f} µs CPU): "
          f"ratio {service['rps'] / raw['rps']:.3f} (goal ≥ 0.5); "
          f"CPU ratio {raw['cpu'] / service['cpu']:.3f}")  # fmt: skip
    base, pdf = pdf_figure()
    print(f"certificate PDF: {1000 / pdf['rps']:.0f} ms (CPU {pdf['cpu'] / 1000:.0f} ms) ÷ "
          f"one-line PDF {1000 / base['rps']:.0f} ms (CPU {base['cpu'] / 1000:.0f} ms) = "
          f"{base['rps'] / pdf['rps']:.2f}× (goal ≤ 3×)")  # fmt: skip
    load = os.getloadavg()
    print(f"# load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
