"""One truth of a licence's status (issue 12): every surface asks ``licence_state`` with
today's date, so a licence past its end reads 已过期 before the nightly task has run, one
not yet begun reads 尚未生效, and counts agree with the badges."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from elicense.models.licence_state import LicenceState, expiring_filter, licence_state
from licensing.models import FoodLicence
from licensing.queries.entities import register_summary
from tests.factories import issue_food, register

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def on_today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)


def badges(client, url):
    page = client.get(url).content.decode()
    return {state.value for state in LicenceState if f'data-licence-state="{state.value}"' in page}


def test_an_ended_licence_reads_expired_on_the_clerks_pages_before_the_nightly_task(
    client, xuhui_clerk, on_today
):
    entity = register(xuhui_clerk, established_on=datetime.date(2019, 6, 1))
    licence = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2019, 7, 1))  # to 2024-06-30
    assert licence.status == "active"  # nothing expired it yet
    client.force_login(xuhui_clerk)

    assert licence.state == LicenceState.EXPIRED
    assert "expired" in badges(client, reverse("licensing:entity_detail", args=[entity.pk]))
    assert "expired" in badges(client, reverse("licensing:entity_list") + f"?q={entity.uscc}")
    summary = register_summary(type("R", (), {"user": xuhui_clerk})())
    assert (summary.active_food_licences, summary.expiring_food_licences) == (0, 0)


def test_a_licence_starting_tomorrow_is_not_yet_valid_and_not_counted(
    client, xuhui_clerk, on_today
):
    entity = register(xuhui_clerk)
    licence = issue_food(xuhui_clerk, entity, valid_from=TODAY + datetime.timedelta(days=1))
    client.force_login(xuhui_clerk)

    assert licence.state == LicenceState.NOT_YET_VALID
    assert "not_yet_valid" in badges(client, reverse("licensing:entity_detail", args=[entity.pk]))
    assert not FoodLicence.objects.in_force(TODAY).filter(pk=licence.pk).exists()


def test_validity_cannot_start_before_the_entity_was_founded(xuhui_clerk, on_today):
    entity = register(xuhui_clerk, established_on=datetime.date(2026, 11, 1))

    with pytest.raises(ValidationError, match="不能早于主体成立日期"):
        issue_food(xuhui_clerk, entity, valid_from=datetime.date(2020, 1, 1))

    assert not FoodLicence.objects.filter(entity=entity).exists()


dates = st.dates(datetime.date(2020, 1, 1), datetime.date(2032, 12, 31))


@given(
    status=st.sampled_from(["active", "superseded", "cancelled", "expired"]),
    start=dates,
    length=st.integers(0, 2000),
    today=dates,
)
def test_the_filters_say_what_the_function_says(status, start, length, today):
    end = start + datetime.timedelta(days=length)
    state = licence_state(status=status, valid_from=start, valid_to=end, today=today)
    row = {"status": status, "valid_from": start, "valid_to": end}

    assert _matches(expiring_filter(today), row) == (state == LicenceState.EXPIRING)


def _matches(q, row) -> bool:
    """Evaluate a Q of simple lookups against a dict, as the database would."""
    ops = {
        "gte": lambda a, b: a >= b,
        "lte": lambda a, b: a <= b,
        "isnull": lambda a, b: (a is None) == b,
    }
    results = []
    for child in q.children:
        if hasattr(child, "children"):
            results.append(_matches(child, row))
            continue
        lookup, value = child
        field, _, op = lookup.partition("__")
        results.append(ops[op](row[field], value) if op else row[field] == value)
    combined = all(results) if q.connector == "AND" else any(results)
    return not combined if q.negated else combined
