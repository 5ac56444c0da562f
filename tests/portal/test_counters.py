"""The one counter model (issue 14, ADR 0032): values are taken in order under a row lock,
one at a time or in blocks, never twice, and a rolled-back taker gives its values back."""

import threading

import pytest
from django.db import connection, transaction

from portal.models import Counter
from portal.queries.counters import current_value
from portal.services import CounterExhausted, hold_counter, take_counter
from tests.conftest import require


@pytest.mark.django_db
def test_values_are_taken_in_order_singly_and_in_blocks():
    with transaction.atomic():
        assert take_counter(key="test:a") == range(1, 2)
        assert take_counter(key="test:a")[0] == 2
        assert list(take_counter(key="test:a", count=3)) == [3, 4, 5]
        assert take_counter(key="test:b")[0] == 1  # keys count apart
    assert current_value("test:a") == 5
    assert current_value("test:never") == 0
    assert not Counter.objects.filter(key="test:never").exists()  # reading creates nothing


@pytest.mark.django_db
def test_the_ceiling_refuses_and_takes_nothing():
    with transaction.atomic():
        take_counter(key="test:c", count=98, ceiling=99)
        with pytest.raises(CounterExhausted):
            take_counter(key="test:c", count=2, ceiling=99)
        assert take_counter(key="test:c", ceiling=99)[0] == 99
        with pytest.raises(CounterExhausted):
            take_counter(key="test:c", ceiling=99)
    assert current_value("test:c") == 99


@pytest.mark.django_db
def test_a_rolled_back_taker_gives_its_values_back():
    with transaction.atomic():
        take_counter(key="test:d")
    with pytest.raises(RuntimeError), transaction.atomic():
        take_counter(key="test:d", count=10)
        raise RuntimeError
    with transaction.atomic():
        assert take_counter(key="test:d")[0] == 2


@pytest.mark.django_db(transaction=True)
def test_taking_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError):
        take_counter(key="test:e")
    with pytest.raises(transaction.TransactionManagementError):
        hold_counter(key="test:e")
    with pytest.raises(ValueError), transaction.atomic():
        take_counter(key="test:e", count=0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_never_share_a_value():
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    taken, errors = [], []
    start = threading.Barrier(6)

    def taker():
        try:
            start.wait(timeout=30)
            for _ in range(20):
                with transaction.atomic():
                    taken.extend(take_counter(key="test:race", count=2))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=taker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(taken) == list(range(1, 241))
    assert current_value("test:race") == 240


@pytest.mark.django_db(transaction=True)
def test_a_holder_keeps_other_takers_waiting_until_it_commits():
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    held, release, other = threading.Event(), threading.Event(), []

    def holder():
        try:
            with transaction.atomic():
                assert hold_counter(key="test:hold") == 0
                held.set()
                release.wait(timeout=30)
                take_counter(key="test:hold", count=5)
        finally:
            connection.close()

    def second():
        try:
            with transaction.atomic():
                other.extend(take_counter(key="test:hold"))
        finally:
            connection.close()

    first = threading.Thread(target=holder)
    first.start()
    assert held.wait(timeout=30)
    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(timeout=1)
    assert waiting.is_alive() and other == []  # blocked on the held row
    release.set()
    first.join(timeout=30)
    waiting.join(timeout=30)
    assert other == [6]
