"""Bulk-check rows per second on a 100,000-row merchant list, against parsing it alone.

Registers a few hundred real entities with food licences, writes a 100,000-row CSV that
mixes their rows (matches, wrong names, wrong addresses) with unknown and malformed ones,
then times ``run_bulk_check`` end to end (read, look up, verdicts, .xlsx result) and, as
the baseline, ``tabular.read_table`` on the same bytes. Goal: at least 2,000 rows/s.

    .venv/bin/python bench/bulk_check.py
"""

import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROWS = 100_000
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    tmp = Path(tempfile.mkdtemp(dir=ROOT / "var"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ELICENSE_KEY_PASSPHRASE", "bench-only-passphrase")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from config.celery import app  # noqa: E402
from licensing import services  # noqa: E402
from licensing.models import FoodLicence  # noqa: E402
from licensing.services.bulk import HEADER, MAX_ROWS  # noqa: E402
from licensing.services.demo import demo_entities  # noqa: E402
from portal import tabular  # noqa: E402
from portal.models import District, Role, User  # noqa: E402


def setup_register():
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", "matters", verbosity=0)
    call_command("elicense_keys", "create", "--if-missing")
    app.conf.task_always_eager = False  # no signing or bulk job inline during set-up
    clerk = User.objects.create(
        username="bench_clerk", role=Role.WINDOW_CLERK, district=District.objects.get(code="310104")
    )
    for spec in demo_entities(400):
        if spec.food is None:
            continue
        entity = services.register_entity(
            acting_user=clerk, district=clerk.district, **spec.registration
        )
        services.issue_food_licence(acting_user=clerk, entity=entity, **spec.food)
    return list(FoodLicence.objects.select_related("entity"))


def merchant_file(licences) -> bytes:
    rng = random.Random(7)  # noqa: S311 - bench data
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for index in range(ROWS):
        licence = rng.choice(licences)
        name, address = licence.operator_name, licence.premises_address
        kind = index % 10
        if kind == 7:
            name += "分店"
        elif kind == 8:
            address = "上海市某区某路1号"
        uscc, number = licence.holder_uscc, licence.number
        if kind == 9:
            number = "JY" + "1" * 13
        writer.writerow([uscc, name, number, address])
    return buffer.getvalue().encode("gb18030")


def main():
    licences = setup_register()
    data = merchant_file(licences)
    start = time.perf_counter()
    tabular.read_table("m.csv", data, max_rows=MAX_ROWS, max_bytes=len(data) + 1)
    parse = time.perf_counter() - start
    check = services.create_bulk_check(file_name="m.csv", data=data)
    start = time.perf_counter()
    check = services.run_bulk_check(bulk_check_id=check.pk)
    total = time.perf_counter() - start
    print(f"{ROWS:,} rows, {len(data) / 1e6:.1f} MB GB18030 CSV, {len(licences)} licences known")
    print(f"parse only:       {ROWS / parse:10,.0f} rows/s  ({parse:6.2f} s)")
    rate = ROWS / total
    print(f"bulk check (all): {rate:10,.0f} rows/s  ({total:6.2f} s)   ratio {parse / total:.3f}")
    print(f"goal >= 2,000 rows/s: {'met' if rate >= 2000 else 'NOT met'}")
    print(f"summary: {check.summary}")


if __name__ == "__main__":
    main()
