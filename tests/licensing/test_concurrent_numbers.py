"""Concurrent food-licence issuance on PostgreSQL never shares a number."""

import threading

import pytest
from django.db import connection, connections

from licensing.models import FoodLicence
from tests.conftest import require
from tests.factories import issue_food, register

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_many_threads_get_distinct_numbers(xuhui_clerk):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    entities = [register(xuhui_clerk) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def issue(entity):
        try:
            barrier.wait(timeout=30)
            issue_food(xuhui_clerk, entity)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(entity,)) for entity in entities]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    numbers = list(FoodLicence.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS == len(set(numbers))
    assert sorted(int(n[9:15]) for n in numbers) == list(range(1, THREADS + 1))
