"""The clerk's entity list at 1x, 10x and 100x the demo register, against a baseline page.

Prints the median time of the entity list (first page and a search by name) divided by the
median time of the login page measured in the same run, and the number of queries. The
ratio should stay flat as the register grows: the list paginates and runs a constant
number of queries.

    .venv/bin/python bench/entity_list.py            # a throwaway SQLite file under var/
    DATABASE_URL=postgres://... .venv/bin/python bench/entity_list.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE = 200
ROUNDS = 30

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "DATABASE_URL" not in os.environ:
    tmp = Path(tempfile.mkdtemp(dir=Path(__file__).resolve().parent.parent / "var"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from licensing.models import MarketEntity  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal.models import District, Role, User  # noqa: E402


def grow_to(count):
    """Bulk-insert demo entities (bench set-up only; the portal writes through services)."""
    have = MarketEntity.objects.count()
    today = timezone.localdate()
    rows = []
    for spec in list(demo_entities(count))[have:]:
        data = dict(spec.registration)
        rows.append(
            MarketEntity(
                district_id="310104",
                registration_authority="上海市徐汇区市场监督管理局",
                registered_on=today,
                **data,
            )
        )
    MarketEntity.objects.bulk_create(rows, batch_size=2000)


def median_seconds(client, url, params=None):
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url, params or {})
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(samples)


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", "matters", verbosity=0)
    clerk, _ = User.objects.get_or_create(
        username="bench_clerk",
        defaults={"role": Role.WINDOW_CLERK, "district": District.objects.get(code="310104")},
    )
    client = Client()
    client.force_login(clerk)
    print(f"{'rows':>7} {'list/base':>10} {'search/base':>12} {'queries':>8}")
    for factor in (1, 10, 100):
        grow_to(BASE * factor)
        baseline = median_seconds(Client(), "/login/")
        listing = median_seconds(client, "/licensing/entities/")
        search = median_seconds(client, "/licensing/entities/", {"q": "餐饮"})
        with CaptureQueriesContext(connection) as queries:
            client.get("/licensing/entities/")
        print(
            f"{BASE * factor:>7} {listing / baseline:>10.2f} {search / baseline:>12.2f} "
            f"{len(queries):>8}"
        )


if __name__ == "__main__":
    main()
