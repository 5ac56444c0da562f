"""The change feed: the cost of the event row on a change, and feed pages at 1,000,000 events.

1. Revocations (``revoke_certificate``, each in its own transaction) with and without its
   change-event row (the bench replaces the recorder by a no-op for the baseline), side by
   side: changes per second and the ratio.
2. Fills ``elicense_changeevent`` to 1,000,000 sequenced events over 100,000 merchants in
   SQL (INSERT … SELECT generate_series; bench set-up only), vacuumed and analysed. Then
   times a page of 500 through the service (``feed_page``) and through the API
   (``GET /api/v1/changes``, JSON and all) for a city-wide party and for a party following
   1,000 merchants, each at random cursors, against the bare query of the same rows
   (``sequence > after ORDER BY sequence LIMIT 500``). Goal: under 50 ms a page.

    createdb portal_feed_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_feed_bench \\
        .venv/bin/python bench/change_feed.py
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit("bench/change_feed.py needs DATABASE_URL=postgres://… (a scratch database).")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from elicense.models import FEED_COUNTER, Certificate, ChangeEvent, Subscription  # noqa: E402
from elicense.services import certificates  # noqa: E402
from elicense.services.changes import feed_page  # noqa: E402
from elicense.services.relying_parties import create_relying_party  # noqa: E402
from portal import ratelimit  # noqa: E402
from portal.models import Counter  # noqa: E402

MERCHANTS = 100_000
PAGE = 500

EVENTS = """
INSERT INTO elicense_changeevent (sequence, event_type, uscc, kind, number, version, state,
    occurred_at)
SELECT n, (ARRAY['issued', 'signed', 'superseded', 'revoked', 'cancelled', 'expired'])[1 + n %% 6],
    'U' || lpad((n %% %(merchants)s)::text, 17, '0'), 'business_licence',
    'U' || lpad((n %% %(merchants)s)::text, 17, '0'), 1, 'valid',
    now() - (%(stop)s - n) * interval '1 second'
FROM generate_series(%(start)s, %(stop)s) AS n
"""


def certificates_to_revoke(count: int) -> list[Certificate]:
    """Signed certificates made directly (bench set-up only; the register issues through
    its services)."""
    now = timezone.now()
    first = Certificate.objects.count()
    rows = [
        Certificate(
            kind="business_licence",
            number=f"B{n:017d}",
            holder_uscc=f"B{n:017d}",
            holder_name=f"基准主体{n}",
            face={"version": 1},
            valid_from=now.date(),
            valid_to=None,
            issuer="基准",
            source=f"bench:{n}",
            status="active",
            signature="x.y.z",
            key_id="bench",
            signed_at=now,
            issued_at=now,
        )  # fmt: skip
        for n in range(first, first + count)
    ]
    return Certificate.objects.bulk_create(rows, batch_size=2000)


def revocations_per_second(batch: list[Certificate]) -> float:
    start = time.perf_counter()
    for certificate in batch:
        with transaction.atomic():
            certificates.revoke_certificate(
                certificate=certificate, acting_user=None, reason="基准测试"
            )
    return len(batch) / (time.perf_counter() - start)


def write_cost(count: int, rounds: int) -> None:
    recorder = certificates.record_certificate_change
    with_event, without_event = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine
        certificates.record_certificate_change = lambda certificate, event_type: None
        without_event.append(revocations_per_second(certificates_to_revoke(count)))
        certificates.record_certificate_change = recorder
        with_event.append(revocations_per_second(certificates_to_revoke(count)))
    plain, recorded = statistics.median(without_event), statistics.median(with_event)
    print(f"revocations/s without the event row: {plain:8.0f}")
    print(f"revocations/s with the event row:    {recorded:8.0f}  (events/s written)")
    print(f"cost of the event row: x{plain / recorded:.2f} the change's time")


def fill(total: int) -> float:
    start = time.perf_counter()
    step = 250_000
    with connection.cursor() as cursor:
        for first in range(1, total + 1, step):
            last = min(first + step - 1, total)
            cursor.execute(EVENTS, {"start": first, "stop": last, "merchants": MERCHANTS})
    Counter.objects.update_or_create(key=FEED_COUNTER, defaults={"value": total})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE elicense_changeevent")
    return time.perf_counter() - start


def median_ms(function, cursors) -> float:
    function(cursors[0])  # warm: every row timed on a warm cache
    samples = []
    for after in cursors:
        start = time.perf_counter()
        function(after)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def read_cost(total: int, rounds: int) -> None:
    city, city_key = create_relying_party(name="城市大脑", peak_qps=100_000)
    city.city_wide_changes = True
    city.save()
    shop, shop_key = create_relying_party(name="美团外卖", peak_qps=100_000)
    followed = random.sample(range(MERCHANTS), 1000)
    Subscription.objects.bulk_create(
        [Subscription(party=shop, uscc=f"U{n:017d}") for n in followed]
    )
    for party in (city, shop):
        ratelimit.reset(party.pk)
    client = Client()
    cursors = [random.randrange(0, total - PAGE * 200) for _ in range(rounds)]

    def bare(after):
        return list(ChangeEvent.objects.filter(sequence__gt=after).order_by("sequence")[:PAGE])

    usccs = [f"U{n:017d}" for n in followed]

    def bare_followed(after):
        events = ChangeEvent.objects.filter(sequence__gt=after, uscc__in=usccs)
        return list(events.order_by("sequence")[:PAGE])

    def api(key):
        def call(after):
            response = client.get(
                f"/api/v1/changes?after={after}&limit={PAGE}",
                headers={"Authorization": f"Bearer {key}"},
                secure=True,  # production settings redirect plain HTTP
            )
            assert response.status_code == 200, response.content
            assert len(response.json()["events"]) == PAGE

        return call

    def service(party):
        return lambda after: feed_page(party=party, after=after, limit=PAGE)

    print(f"\na page of {PAGE} at {total:,} events ({MERCHANTS:,} merchants), median of {rounds}")
    print(f"{'':40} {'ms':>8} {'pages/s':>8} {'ratio':>7}")
    for scope, baseline, party, key in [
        ("city-wide", bare, city, city_key), ("1,000 subscriptions", bare_followed, shop, shop_key),
    ]:  # fmt: skip
        base = median_ms(baseline, cursors)
        for label, ms in [
            (f"bare query, {scope}", base),
            (f"feed_page, {scope}", median_ms(service(party), cursors)),
            (f"GET /api/v1/changes, {scope}", median_ms(api(key), cursors)),
        ]:
            print(f"{label:40} {ms:>8.1f} {1000 / ms:>8.0f} {ms / base:>7.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"change feed, {platform.node()}, {os.cpu_count()} CPUs, PostgreSQL")
    write_cost(args.changes, rounds=3)
    ChangeEvent.objects.all().delete()
    print(f"\nfilled {args.events:,} events in {fill(args.events):.1f} s")
    read_cost(args.events, args.rounds)


if __name__ == "__main__":
    main()
