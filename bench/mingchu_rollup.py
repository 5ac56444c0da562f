"""The city roll-up (build_city_rollup) at 1,000, 100,000 and 1,000,000 demo stores.

Fills a scratch PostgreSQL database (DATABASE_URL, required; it is wiped) in SQL with
INSERT … SELECT generate_series (bench set-up only; the portal writes through services):
stores spread over the 16 districts at every construction stage with their dated stage
history, platform connections for the stores at 完成建设 and half of those at 视频对接, and a
year of monthly reports for the 16 districts (on time, late, returned, draft), vacuumed and
analysed as autovacuum
would leave them. Then times the roll-up service — the SQL aggregates plus storing a new
revision — at each size and prints the median and its ratio to the 1,000-store baseline of
the same run.

    createdb portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/mingchu_rollup.py --sizes 1000 100000 1000000
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit("bench/mingchu_rollup.py needs DATABASE_URL=postgres://… (a scratch database).")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ["DEBUG"] = "false"
os.environ["REDIS_URL"] = ""

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from mingchu.models import DemoStore, PlatformConnection  # noqa: E402
from mingchu.services.rollups import build_city_rollup  # noqa: E402
from portal.models import Role, User  # noqa: E402

#: September: the year's deadline (30 September) has not passed at the month's end, so no
#: store is overdue; October: 逾期未上线 is counted (ADR 0027), one more grouped query.
YEAR, MONTH, AFTER_DEADLINE = 2022, 9, 10

STORES = """
INSERT INTO mingchu_demostore (year, unit_name, address, food_licence_number, holder_uscc,
    district_id, location_type, stage, expected_completion, on_delivery_platform,
    delivery_platforms, video_stream_url, created_by_id, created_at)
SELECT %(year)s, '基准示范店' || n, '上海市' || n || '号', 'JY' || lpad(n::text, 14, '0'),
    lpad(n::text, 18, '0'), (%(districts)s::varchar[])[1 + n %% 16],
    CASE WHEN n %% 4 = 0 THEN 'food_court' ELSE 'other' END,
    (ARRAY['preparation', 'installation', 'video_link', 'video_link', 'completed',
           'completed', 'completed'])[1 + n %% 7],
    DATE '2022-10-01', n %% 5 <> 4,
    CASE WHEN n %% 5 <> 4 THEN '["meituan"]' ELSE '[]' END::jsonb, '', %(user)s, now()
FROM generate_series(%(start)s, %(stop)s) AS n
"""

CONNECTIONS = """
INSERT INTO mingchu_platformconnection (store_id, platform, shop_id, connected_on)
SELECT id, '美团外卖', 'MT' || id, DATE '2022-09-01' FROM mingchu_demostore
WHERE id > %(after)s AND (stage = 'completed' OR (stage = 'video_link' AND id %% 2 = 0))
"""

#: The dated stage history the roll-up counts from: one row per stage each store has passed,
#: 选点 in March, 设备安装 in May, 视频对接 in July, 完成建设 in September.
STAGE_HISTORY = """
INSERT INTO mingchu_stagechange (store_id, stage, "on", changed_by_id)
SELECT s.id, h.stage, h.day, s.created_by_id
FROM mingchu_demostore s
JOIN (VALUES ('preparation', 1, DATE '2022-03-01'), ('installation', 2, DATE '2022-05-01'),
             ('video_link', 3, DATE '2022-07-01'), ('completed', 4, DATE '2022-09-01'))
    AS h(stage, rank, day)
  ON h.rank <= array_position(
      ARRAY['preparation', 'installation', 'video_link', 'completed']::varchar[], s.stage)
WHERE s.id > %(after)s
"""

REPORTS = """
INSERT INTO mingchu_monthlyreport (district_id, year, month, reporting_unit, statistician,
    phone, stores_selected, video_installed, platform_connected, funds_wan,
    issues_and_suggestions, explanation, registry, status, version, submitted_at, is_late,
    returned_reason)
SELECT d, %(year)s, m, d || '区市场监管局', '统计员', '021-00000000', 0, 0, 0, 10.5 * m, '', '',
    '{}'::jsonb,
    CASE (m + i) %% 6 WHEN 0 THEN 'draft' WHEN 1 THEN 'returned' ELSE 'submitted' END, 2,
    CASE (m + i) %% 6 WHEN 0 THEN NULL ELSE make_timestamptz(%(year)s, m, 20, 9, 0, 0) END,
    (m + i) %% 6 = 2, ''
FROM unnest(%(districts)s::varchar[]) WITH ORDINALITY AS t(d, i), generate_series(1, 12) AS m
"""


def district_codes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT district_id FROM mingchu_districtquota WHERE year = %s ORDER BY sort_order",
            [YEAR],
        )
        return [code for (code,) in cursor.fetchall()]


def grow_to(count: int, *, user: User, districts: list[str]) -> float:
    """Insert stores up to ``count`` (and their platform connections); seconds taken."""
    have = DemoStore.objects.count()
    if have >= count:
        return 0.0
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM mingchu_demostore")
        (after,) = cursor.fetchone()
        params = {"year": YEAR, "districts": districts, "user": user.pk}
        cursor.execute(STORES, params | {"start": have + 1, "stop": count})
        cursor.execute(CONNECTIONS, {"after": after})
        cursor.execute(STAGE_HISTORY, {"after": after})
        cursor.execute("VACUUM ANALYZE mingchu_demostore")
        cursor.execute("VACUUM ANALYZE mingchu_platformconnection")
        cursor.execute("VACUUM ANALYZE mingchu_stagechange")
    return time.perf_counter() - start


def time_rollup(rounds: int, month: int = MONTH) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        build_city_rollup(acting_user=None, year=YEAR, month=month)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/mingchu_rollup.py needs PostgreSQL.")

    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "mingchu_quotas_2022", verbosity=0)
    user = User.objects.create(username="bench_city", role=Role.CITY_OFFICER)
    districts = district_codes()
    with connection.cursor() as cursor:
        cursor.execute(REPORTS, {"year": YEAR, "districts": districts})

    print(f"mingchu roll-up, {platform.node()}, {os.cpu_count()} CPUs, PostgreSQL")
    print(
        f"{'stores':>10} {'connections':>12} {'fill s':>8} {'roll-up ms':>11} {'ratio':>7}"
        f" {'Oct ms':>9} {'Oct/Sep':>8}"
    )
    baseline = None
    for size in sorted(args.sizes):
        fill = grow_to(size, user=user, districts=districts)
        median = time_rollup(args.rounds)
        october = time_rollup(args.rounds, AFTER_DEADLINE)
        baseline = baseline or median
        connections = PlatformConnection.objects.count()
        print(
            f"{size:>10,} {connections:>12,} {fill:>8.1f} {median * 1000:>11.1f} "
            f"{median / baseline:>7.1f} {october * 1000:>9.1f} {october / median:>8.2f}"
        )


if __name__ == "__main__":
    main()
