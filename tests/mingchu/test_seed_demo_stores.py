"""seed_mingchu_demo: demo stores at every stage from the seeded register, idempotent."""

import datetime

import pytest
from django.core.management import call_command

from mingchu.models import CityRollup, DemoStore
from mingchu.queries.rollups import progress_trend
from portal.models import District, Role
from tests.factories import UserFactory, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_of_xuhui(xuhui_clerk):
    """The demo officer of 徐汇 and five restaurant licences of the district to choose from."""
    UserFactory(
        username="officer_xuhui", role=Role.DISTRICT_OFFICER,
        district=District.objects.get(code="310104"),
    )  # fmt: skip
    for _ in range(5):
        issue_food(xuhui_clerk, register(xuhui_clerk))


def test_seeds_stores_at_several_stages_once(register_of_xuhui):
    call_command("seed_mingchu_demo", "--per-district=4", verbosity=0)
    call_command("seed_mingchu_demo", "--per-district=4", verbosity=0)

    stores = DemoStore.objects.all()
    assert stores.count() == 4
    rollup = CityRollup.objects.get()  # the year-end summary, built once
    assert (rollup.year, rollup.month) == (2022, 12)
    assert sum(row["stores_selected"] for row in rollup.rows) == 4
    assert set(stores.values_list("stage", flat=True)) == {
        "completed", "video_link", "installation"
    }  # fmt: skip
    completed = stores.filter(stage="completed").first()
    assert completed.platform_connections.exists() and completed.video_stream_url


def test_demo_progress_is_dated_in_the_project_year(register_of_xuhui):
    call_command("seed_mingchu_demo", "--per-district=5", verbosity=0)

    trend = progress_trend(year=2022, today=datetime.date(2026, 1, 1))
    stages = DemoStore.objects.values_list("stage", flat=True)
    assert trend["series"]["stores_selected"][-1] == 5
    assert trend["series"]["stores_selected"][2] == 0  # nothing selected before April
    assert trend["series"]["completed"][-1] == list(stages).count("completed") > 0
