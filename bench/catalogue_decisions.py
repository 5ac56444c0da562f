"""一业一证 requirement decisions per second, over all 39 formats of the 2nd edition.

Imports and publishes the catalogue (fixtures/yiyeyizheng_catalogue_v2.tsv), loads the 39
formats with their 145 items once, then, for a fixed wall-clock budget each (median of 3
rounds), counts item decisions made by:

- ``decide(format, answers)`` over every format, cycling through five answer sets (nothing
  answered, all no at 299.9 m², all yes at 1000 m², a gallery in 浦东新区, a sauna at 120 m²):
  the rules engine with its Chinese traces;
- a trivial loop over the same items that wraps each in an ``ItemDecision`` marked required
  with a fixed reason (the baseline: iteration and object creation, no rules);
- a whole requirement lookup as the API does it: the published version and one format with
  its items read from the database, then decided (format lookups per second; the database's
  share shows against the in-memory figure).

Prints each rate and engine/baseline.

    .venv/bin/python bench/catalogue_decisions.py        # a throwaway SQLite file under var/
    DATABASE_URL=postgres://... .venv/bin/python bench/catalogue_decisions.py
"""

import itertools
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SECONDS = 2.0
ROUNDS = 3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    (ROOT / "var").mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=ROOT / "var"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from yiyeyizheng.models import BusinessFormat, CatalogueVersion  # noqa: E402
from yiyeyizheng.models.questions import ACTIVITIES  # noqa: E402
from yiyeyizheng.queries.decisions import Answers, ItemDecision, decide  # noqa: E402

ANSWER_SETS = [
    Answers(),
    Answers(
        area_m2=Decimal("299.9"), district="310104", has_pool=False, has_sauna=False,
        venue="other", boiler="none", activities=dict.fromkeys(ACTIVITIES, False),
    ),
    Answers(
        area_m2=Decimal("1000"), district="310120", has_pool=True, has_sauna=True,
        venue="dance_hall", boiler="high_pollution", activities=dict.fromkeys(ACTIVITIES, True),
    ),
    Answers(area_m2=Decimal("300"), district="310115", venue="exhibition_hall"),
    Answers(area_m2=Decimal("120"), has_sauna=True, activities={"sells_food": True}),
]  # fmt: skip


def setup():
    call_command("migrate", verbosity=0)
    call_command("loaddata", "districts", "departments", verbosity=0)
    table = ROOT / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"
    call_command(
        "import_catalogue", str(table), edition="第二版", publish=True, if_missing=True, verbosity=0
    )
    version = CatalogueVersion.current()
    formats = list(BusinessFormat.objects.of(version).with_items())
    for business_format in formats:  # warm the prefetch caches
        list(business_format.items.all())
    return version, formats


def rate(run) -> float:
    """Median items (or lookups) per second over ROUNDS rounds of SECONDS each."""
    rates = []
    for _ in range(ROUNDS):
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < SECONDS:
            count += run()
        rates.append(count / elapsed)
    return statistics.median(rates)


def main():
    version, formats = setup()
    items = sum(len(f.items.all()) for f in formats)
    answers = itertools.cycle(ANSWER_SETS)

    def engine():
        given = next(answers)
        return sum(len(decide(f, given)) for f in formats)

    def baseline():
        return sum(
            len([ItemDecision(i, "required", i.kind, "固定理由") for i in f.items.all()])
            for f in formats
        )

    seqs = itertools.cycle(range(1, 40))

    def lookup():
        current = CatalogueVersion.current()
        business_format = BusinessFormat.objects.of(current).with_items().get(seq=next(seqs))
        decide(business_format, next(answers))
        return 1

    engine_rate, baseline_rate, lookup_rate = rate(engine), rate(baseline), rate(lookup)
    print(f"catalogue {version.edition}: {len(formats)} formats, {items} items")
    catalogues = engine_rate / items
    print(
        f"rules engine     {engine_rate:12,.0f} item decisions/s ({catalogues:,.0f} catalogues/s)"
    )
    print(f"trivial loop     {baseline_rate:12,.0f} items/s (baseline)")
    print(f"engine/baseline  {engine_rate / baseline_rate:12.2f}")
    print(f"API-style lookup {lookup_rate:12,.0f} format requirements/s (DB read + decide)")


if __name__ == "__main__":
    main()
