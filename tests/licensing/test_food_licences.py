"""Issuing, changing, cancelling and expiring food operation licences."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from licensing import services
from licensing.models import FoodLicence
from licensing.services.food import food_serial_key
from portal.identifiers import validate_food_licence_number
from portal.models import AuditEvent, Counter
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


def test_number_carries_subject_type_division_and_serial(xuhui_clerk):
    entity = register(xuhui_clerk)

    first = issue_food(xuhui_clerk, entity, subject_type=2)
    second = issue_food(xuhui_clerk, entity, subject_type=2)
    sales = issue_food(xuhui_clerk, entity, subject_type=1, business_items=["prepackaged"])

    assert first.number[:9] == "JY2310104" and first.number[9:15] == "000001"
    assert second.number[9:15] == "000002"
    assert sales.number[:9] == "JY1310104" and sales.number[9:15] == "000001"
    for licence in (first, second, sales):
        assert validate_food_licence_number(licence.number) == licence.number


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2026, 11, 22), datetime.date(2031, 11, 21)),
        (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31)),
        (datetime.date(2024, 2, 29), datetime.date(2029, 2, 28)),
    ],
)
def test_validity_is_five_years_ending_the_day_before_the_anniversary(start, end):
    assert services.five_year_validity_end(start) == end


def test_cancelled_numbers_are_never_reused(xuhui_clerk):
    entity = register(xuhui_clerk)
    first = issue_food(xuhui_clerk, entity)
    services.cancel_food_licence(acting_user=xuhui_clerk, licence=first, reason="申请注销")

    second = issue_food(xuhui_clerk, entity)

    assert second.number != first.number
    key = food_serial_key(division="310104", subject_type=2)
    assert Counter.objects.get(key=key).value == 2


def test_change_keeps_number_and_validity_in_a_new_version(xuhui_clerk):
    entity = register(xuhui_clerk)
    licence = issue_food(xuhui_clerk, entity, business_items=["hot_food"])

    changed = services.change_food_licence(
        acting_user=xuhui_clerk, licence=licence, business_items=["hot_food", "cold_food"]
    )

    licence.refresh_from_db()
    assert licence.status == "superseded" and not licence.is_current
    assert (changed.number, changed.version) == (licence.number, 2)
    assert changed.valid_to == licence.valid_to
    assert changed.business_items == ["hot_food", "cold_food"]
    event = AuditEvent.objects.get(action="food_licence.changed")
    assert event.changes["business_items"] == [["hot_food"], ["hot_food", "cold_food"]]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"business_items": []}, "business_items", "请至少选择一个经营项目"),
        ({"business_items": ["caviar"]}, "business_items", "未知的经营项目：caviar"),
        ({"premises_address": "  "}, "premises_address", "请填写经营场所"),
        ({"subject_type": 7}, "subject_type", "请选择主体业态"),
    ],
)
def test_bad_food_licence_input_is_a_field_error_and_allocates_nothing(
    xuhui_clerk, overrides, field, message
):
    entity = register(xuhui_clerk)

    with pytest.raises(ValidationError) as caught:
        issue_food(xuhui_clerk, entity, **overrides)

    assert message in caught.value.message_dict[field][0]
    assert not FoodLicence.objects.exists()
    assert not Counter.objects.filter(key__startswith="licensing:", value__gt=0).exists()


def test_daily_expiry_marks_past_licences_and_audits_them(xuhui_clerk, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC))
    entity = register(xuhui_clerk)
    old = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2021, 11, 22))  # to 2026-11-21
    last_day = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2021, 11, 23))  # to 11-22

    assert services.expire_food_licences() == 1
    assert services.expire_food_licences() == 0  # idempotent

    old.refresh_from_db()
    last_day.refresh_from_db()
    assert old.status == "expired" and old.end_reason == "有效期届满"
    assert last_day.status == "active"
    event = AuditEvent.objects.get(action="food_licence.expired")
    assert event.actor is None and event.actor_label == "系统"


def test_expiry_task_runs_the_service(xuhui_clerk, time_machine):
    from licensing.tasks import expire_food_licences

    time_machine.move_to(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC))
    entity = register(xuhui_clerk)
    licence = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2020, 1, 1))

    assert expire_food_licences.apply().get() == 1
    licence.refresh_from_db()
    assert licence.status == "expired"
