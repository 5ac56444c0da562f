"""Where the microseconds of the two hot paths go (issue 15): a token check through
``verify_token`` and one ``GET /api/v1/licences/{uscc}`` through the WSGI handler, both in
this process (no HTTP), with the log going through the Redis stream as in production.

Prints µs per call for each path and for the bare JSON endpoint through the same handler,
then the top of a cProfile of each (``--profile``). The database is wiped: use a scratch one.

    createdb portal_speed_profile
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_speed_profile \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/profile_verification_path.py \\
        --profile
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["VERIFICATION_LOG"] = "stream"
os.environ.setdefault("VERIFICATION_SPOOL_DIR", str(ROOT / "var" / "bench-spool"))

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.verification_path import grow_to, signed_tokens, uscc_for  # noqa: E402
from elicense.services.relying_parties import create_relying_party  # noqa: E402
from elicense.verification import verify_token  # noqa: E402
from portal import ratelimit  # noqa: E402

CALLS = 3000
ROUNDS = 5


def wsgi_get(application, path: str, key: str):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8766", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8766",
        "HTTP_AUTHORIZATION": f"Bearer {key}", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    status = []
    body = b"".join(application(environ, lambda s, h, *a: status.append(s)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path}: {status[0]} {body[:200]!r}")
    return body


def per_call(call, items, calls=CALLS) -> str:
    """Medians over ROUNDS of µs per call: wall time and this process's CPU time."""
    wall, cpu = [], []
    for _ in range(ROUNDS):
        start, cpu0 = time.perf_counter(), time.process_time()
        for i in range(calls):
            call(items[i % len(items)])
        wall.append((time.perf_counter() - start) / calls * 1e6)
        cpu.append((time.process_time() - cpu0) / calls * 1e6)
    return f"{statistics.median(wall):.1f} µs wall, {statistics.median(cpu):.1f} µs CPU a call"


def profile(call, items, calls=CALLS, top=25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(calls):
        call(items[i % len(items)])
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("PROFILE_SORT", "tottime")
    ).print_stats(top)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("needs DATABASE_URL (a scratch PostgreSQL database) and REDIS_URL")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", "matters", verbosity=0)
    tokens = signed_tokens()
    grow_to(10_000)
    party, key = create_relying_party(name="剖析平台", peak_qps=1_000_000)
    ratelimit.reset(party.pk)

    from config.wsgi import application

    usccs = [f"/api/v1/licences/{uscc_for(n)}" for n in range(0, 10_000, 7)]

    def token(t):
        assert verify_token(t, channel="api", verifier_label="剖析").ok

    def api(path):
        wsgi_get(application, path, key)

    for path in usccs[:50]:
        api(path)
    wsgi_get(application, "/bench/bare/", key)
    token(tokens[0])
    print(f"verify_token: {per_call(token, tokens)}")
    print(f"GET /api/v1/licences/{{uscc}} (WSGI, in process): {per_call(api, usccs)}")
    print(f"GET /bench/bare/ (WSGI, in process): {per_call(api, ['/bench/bare/'])}")
    if args.profile:
        print(profile(token, tokens))
        print(profile(api, usccs))
        print(profile(api, ["/bench/bare/"]))


if __name__ == "__main__":
    main()
