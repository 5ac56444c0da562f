"""The counters' migrations carry the old values over exactly, both ways (ADR 0032):
yiyeyizheng's ``NumberCounter`` rows, licensing's ``FoodLicenceSerial`` rows and elicense's
``FeedCounter`` row become
``portal.Counter`` rows with the same values, and going back restores them."""

import pytest

from tests.migrations import migrate_to

BEFORE = [
    ("portal", "0007_audit_chain"),
    ("yiyeyizheng", "0004_service_promises"),
    ("elicense", "0015_access_acceptance"),
    ("licensing", "0005_bulk_check_progress"),
]
AFTER = [
    ("yiyeyizheng", "0005_numbers_from_portal_counters"),
    ("elicense", "0016_feed_sequence_from_portal_counter"),
    ("licensing", "0006_food_serials_from_portal_counters"),
]


@pytest.mark.django_db
def test_old_counters_become_portal_counters_and_come_back():
    old = migrate_to(BEFORE)
    old.get_model("yiyeyizheng", "NumberCounter").objects.bulk_create(
        [
            old.get_model("yiyeyizheng", "NumberCounter")(key="APP-20261123", last_serial=17),
            old.get_model("yiyeyizheng", "NumberCounter")(key="LIC-310104-2026", last_serial=3),
        ]
    )
    old.get_model("elicense", "FeedCounter").objects.create(pk=1, last_sequence=4_000_000_123)
    serials = old.get_model("licensing", "FoodLicenceSerial")
    serials.objects.create(division="310104", subject_type=2, last_serial=41)
    serials.objects.create(division="310115", subject_type=3, last_serial=999_999)

    new = migrate_to(AFTER)
    counters = dict(new.get_model("portal", "Counter").objects.values_list("key", "value"))
    assert counters == {
        "yiyeyizheng:APP-20261123": 17,
        "yiyeyizheng:LIC-310104-2026": 3,
        "elicense:change_feed": 4_000_000_123,
        "licensing:food-310104-2": 41,
        "licensing:food-310115-3": 999_999,
    }

    back = migrate_to(BEFORE)  # portal 0008 goes too: its dependants' reverses run first
    numbers = back.get_model("yiyeyizheng", "NumberCounter").objects
    assert dict(numbers.values_list("key", "last_serial")) == {
        "APP-20261123": 17,
        "LIC-310104-2026": 3,
    }
    assert back.get_model("elicense", "FeedCounter").objects.get(pk=1).last_sequence == (
        4_000_000_123
    )
    food = back.get_model("licensing", "FoodLicenceSerial").objects
    assert sorted(food.values_list("division", "subject_type", "last_serial")) == [
        ("310104", 2, 41),
        ("310115", 3, 999_999),
    ]
    # The test's transaction rolls the schema and django_migrations back to the leaves.
