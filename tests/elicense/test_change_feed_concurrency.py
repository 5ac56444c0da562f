"""PostgreSQL: an event that commits after a later one was read is still served, later.

Ids are taken at insert and commit in any order; a reader paging by id would skip the
slow transaction's event for good. Sequences are given to committed events only (ADR 0022).
"""

import threading

import pytest
from django.db import connection, transaction

from elicense.models import ChangeEvent
from elicense.services.changes import feed_page, record_change
from elicense.services.relying_parties import create_relying_party
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)


def _record(number):
    record_change(event_type="revoked", uscc="91310104MA1FL1234X", kind="business_licence",
                  number=number, state="revoked")  # fmt: skip


def test_a_slow_transaction_s_event_is_served_after_the_page_that_missed_it():
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    party, _ = create_relying_party(name="城市大脑", peak_qps=10)
    party.city_wide_changes = True
    party.save()
    inserted, release = threading.Event(), threading.Event()

    def slow_change():
        try:
            with transaction.atomic():
                _record("slow")
                inserted.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    slow = threading.Thread(target=slow_change)
    slow.start()
    assert inserted.wait(timeout=30)
    with transaction.atomic():
        _record("fast")

    first = feed_page(party=party, after=0, limit=500)
    release.set()
    slow.join(timeout=30)
    second = feed_page(party=party, after=first.next_cursor, limit=500)

    assert ChangeEvent.objects.get(number="slow").pk < ChangeEvent.objects.get(number="fast").pk
    assert [(e.number, e.sequence) for e in first.events] == [("fast", 1)]
    assert [(e.number, e.sequence) for e in second.events] == [("slow", 2)]


def test_readers_sequencing_at_once_never_give_a_sequence_twice():
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    party, _ = create_relying_party(name="城市大脑", peak_qps=10)
    party.city_wide_changes = True
    party.save()
    with transaction.atomic():
        for n in range(300):
            _record(str(n))
    errors = []

    def read():
        try:
            feed_page(party=party, after=0, limit=500)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=60)

    assert errors == []
    sequences = list(ChangeEvent.objects.order_by("pk").values_list("sequence", flat=True))
    assert sequences == list(range(1, 301))
