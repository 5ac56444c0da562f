"""Concurrent applications and licences on PostgreSQL never share a number."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from tests.conftest import require
from tests.yiyeyizheng.conftest import start
from yiyeyizheng.models import Application
from yiyeyizheng.services import numbering

THREADS = 10


def run_at_once(target, args_list):
    barrier = threading.Barrier(len(args_list))
    errors, results = [], []

    def run(*args):
        try:
            barrier.wait(timeout=30)
            results.append(target(*args))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors, results


@pytest.mark.django_db(transaction=True)
def test_applications_started_at_once_get_distinct_numbers(owner, store_format):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    errors, _ = run_at_once(lambda: start(owner, store_format).number, [()] * THREADS)
    assert errors == []
    numbers = list(Application.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS == len(set(numbers))
    assert sorted(int(n[-5:]) for n in numbers) == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_licence_numbers_taken_at_once_are_distinct(reference_data):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    year = timezone.localdate().year

    def take():
        with transaction.atomic():
            return numbering.licence_number(district_code="310104", year=year)

    errors, numbers = run_at_once(take, [()] * THREADS)
    assert errors == []
    assert len(set(numbers)) == THREADS
    assert sorted(numbers) == [f"沪综许310104{year}{n:05d}" for n in range(1, THREADS + 1)]
