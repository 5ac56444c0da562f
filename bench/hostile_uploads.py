"""What a hostile .xlsx costs the server, against reading a good file of the same limit.

Builds the files of issue 13 with zipfile (malformed XML, a zip bomb, one lying about its
size, 300,001 rows without ``<dimension>``, the same under a false ``<dimension>``) and,
as the baseline, a good 100,000-row file (the bulk-check limit); reads each with
``tabular.read_numbered_table`` and prints wall time, CPU time and tracemalloc peak. Goal:
every hostile file refused in under 1 s (zip bombs) or 5 s (the rest), under 100 MB.

    .venv/bin/python bench/hostile_uploads.py
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402

from licensing.services.bulk import MAX_ROWS  # noqa: E402
from portal import tabular  # noqa: E402
from tests import hostile_xlsx as hostile  # noqa: E402

CASES = {
    "good, 100,000 rows (baseline)": lambda: hostile.rows_without_dimension(MAX_ROWS),
    "malformed XML": hostile.malformed_xml,
    "zip bomb (256 MB of blanks)": hostile.zip_bomb,
    "zip bomb lying about its size": hostile.lying_zip_bomb,
    "300,001 rows without <dimension>": hostile.rows_without_dimension,
    '300,001 rows under <dimension ref="A1:D2">': hostile.rows_under_false_dimension,
}


def read(data: bytes) -> str:
    try:
        _, rows = tabular.read_numbered_table("m.xlsx", data, max_rows=MAX_ROWS, max_bytes=20 << 20)
    except ValidationError as error:
        return error.messages[0][:40]
    return f"{len(rows):,} rows"


def measure(data: bytes):
    """Times without tracemalloc (it slows allocation several-fold), then the peak with it."""
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = read(data)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    read(data)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return wall, cpu, peak, outcome


def main():
    print("| file | size | wall s | CPU s | peak MB | ratio to baseline (CPU) | outcome |")
    print("|---|---:|---:|---:|---:|---:|---|")
    baseline = None
    for name, build in CASES.items():
        data = build()
        wall, cpu, peak, outcome = measure(data)
        baseline = baseline or cpu
        print(
            f"| {name} | {len(data) / 2**20:.2f} MB | {wall:.2f} | {cpu:.2f} | {peak:.1f} "
            f"| {cpu / baseline:.3f} | {outcome} |"
        )


if __name__ == "__main__":
    main()
