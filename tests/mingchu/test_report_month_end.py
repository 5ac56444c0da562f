"""Monthly reports are as of the month's end: 徐汇's May report does not count July's cameras.

The pre-filled figures, the 'differs from the registry' check and the city roll-up all read
the dated stage history at 23:59 on the month's last day; the month under way counts up to now.
"""

import datetime

import pytest

from mingchu.models import DemoStore
from mingchu.queries.reports import SHANGHAI, registry_figures
from mingchu.services import add_camera, advance_store_stage, connect_platform, register_demo_store
from mingchu.services.reports import open_report, save_report, submit_report
from mingchu.services.rollups import build_city_rollup
from portal.models import District, Role
from tests.factories import UserFactory, issue_food, register

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "徐汇区市场监管局", "statistician": "李强", "phone": "021-64870000"}
XUHUI = "310104"


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code=XUHUI))


def _at(time_machine, *args):
    time_machine.move_to(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


def _select(officer, clerk_user, on):
    licence = issue_food(clerk_user, register(clerk_user))
    return register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1), year=2022, selected_on=on,
    )  # fmt: skip


def _advance(officer, store, on):
    return advance_store_stage(acting_user=officer, store=store, on=on)


@pytest.fixture
def xuhui_2022(officer, xuhui_clerk, time_machine):
    """Two stores selected in March and June; the first gets its cameras and 视频对接 on
    31 July and its platform on 1 September 2022. It is 15 October 2022 now."""
    _at(time_machine, 2022, 10, 15, 9, 0)
    first = _select(officer, xuhui_clerk, datetime.date(2022, 3, 10))
    _select(officer, xuhui_clerk, datetime.date(2022, 6, 1))
    first = _advance(officer, first, datetime.date(2022, 7, 5))
    add_camera(
        acting_user=officer, store=first, position="热厨操作间", control_points=["cooking"],
        installed_on=datetime.date(2022, 7, 20),
    )  # fmt: skip
    first = _advance(officer, first, datetime.date(2022, 7, 31))
    connect_platform(
        acting_user=officer, store=first, platform="美团外卖", shop_id="MT1",
        connected_on=datetime.date(2022, 9, 1),
    )  # fmt: skip
    return first


def _prefilled(report):
    return report.stores_selected, report.video_installed, report.platform_connected


def test_each_month_is_prefilled_as_it_stood_at_its_last_day(officer, xuhui_2022):
    prefilled = {
        month: _prefilled(open_report(acting_user=officer, year=2022, month=month))
        for month in (2, 5, 6, 7, 8, 9, 10)
    }

    assert prefilled == {
        2: (0, 0, 0), 5: (1, 0, 0), 6: (2, 0, 0), 7: (2, 1, 0), 8: (2, 1, 0), 9: (2, 1, 1),
        10: (2, 1, 1),
    }  # fmt: skip


def test_the_month_under_way_counts_up_to_now(officer, xuhui_2022, time_machine):
    _at(time_machine, 2022, 10, 20, 9, 0)
    _advance(officer, xuhui_2022, datetime.date(2022, 10, 20))

    assert registry_figures(district_id=XUHUI, year=2022, month=10) == {
        "stores_selected": 2, "video_installed": 1, "platform_connected": 1,
    }  # fmt: skip
    assert (
        DemoStore.objects.progress_by_district(on=datetime.date(2022, 10, 20))[XUHUI]["completed"]
        == 1
    )


def test_later_progress_does_not_make_a_past_report_differ(officer, xuhui_2022, time_machine):
    may = open_report(acting_user=officer, year=2022, month=5)
    may = save_report(acting_user=officer, report=may, expected_version=may.version, **CONTACT)
    _at(time_machine, 2022, 10, 20, 9, 0)
    _advance(officer, xuhui_2022, datetime.date(2022, 10, 20))

    may = submit_report(acting_user=officer, report=may, expected_version=may.version)

    assert may.status == "submitted" and may.differences() == {}
    assert may.registry == {"stores_selected": 1, "video_installed": 0, "platform_connected": 0}


def test_the_city_rollup_of_a_past_month_compares_with_that_months_end(
    officer, xuhui_2022, reference_data
):
    july = open_report(acting_user=officer, year=2022, month=7)
    july = save_report(acting_user=officer, report=july, expected_version=july.version, **CONTACT)
    submit_report(acting_user=officer, report=july, expected_version=july.version)
    city = UserFactory(role=Role.CITY_OFFICER, username="city_officer")

    rollup = build_city_rollup(acting_user=city, year=2022, month=7)

    row = next(row for row in rollup.rows if row["district_code"] == XUHUI)
    figures = ("stores_selected", "video_installed", "platform_connected", "completed")
    assert [row[f] for f in figures] == [2, 1, 0, 0]
    assert row["report"]["differences"] == {}
