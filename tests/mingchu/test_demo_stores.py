"""Demo stores: selected by food licence in the officer's district, stages in order."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingchu.models import DemoStore, StageChange
from mingchu.services import (
    add_camera,
    advance_store_stage,
    connect_platform,
    register_demo_store,
)
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, clerk, issue_food, register

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2022, 10, 17)


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


@pytest.fixture
def restaurant_licence(xuhui_clerk):
    entity = register(xuhui_clerk, name="上海明厨示范餐饮有限公司")
    return issue_food(xuhui_clerk, entity, premises_address="上海市徐汇区漕溪北路88号")


def _register(officer, number, **kw):
    return register_demo_store(
        acting_user=officer, food_licence_number=number, location_type="food_court",
        expected_completion=OCTOBER, **kw,
    )  # fmt: skip


def test_store_takes_name_address_and_district_from_the_licence(officer, restaurant_licence):
    store = _register(officer, restaurant_licence.number.lower())

    assert (store.unit_name, store.address) == (
        "上海明厨示范餐饮有限公司",
        "上海市徐汇区漕溪北路88号",
    )
    assert store.district_id == "310104" and store.expected_completion == datetime.date(2022, 10, 1)
    assert store.stage == "preparation" and store.stage_history.count() == 1


@pytest.mark.parametrize(
    ("number", "message"),
    [("JY2310104000001", "16位"), ("JY23101049999995", "没有该食品经营许可证")],
)
def test_bad_licences_are_field_errors(officer, number, message):
    with pytest.raises(ValidationError) as caught:
        _register(officer, number)
    assert message in caught.value.message_dict["food_licence_number"][0]


def test_sales_licences_and_other_districts_are_refused(officer, xuhui_clerk, reference_data):
    shop = register(xuhui_clerk)
    sales = issue_food(xuhui_clerk, shop, subject_type=1, business_items=["prepackaged"])
    huangpu_clerk = clerk("310101", username="clerk_hp2")
    elsewhere = issue_food(huangpu_clerk, register(huangpu_clerk))

    with pytest.raises(ValidationError, match="餐饮服务或单位食堂"):
        _register(officer, sales.number)
    with pytest.raises(ValidationError, match="属于黄浦区"):
        _register(officer, elsewhere.number)
    assert not DemoStore.objects.exists()


def test_a_licence_not_in_force_today_is_refused_whatever_its_column_says(
    officer, xuhui_clerk, time_machine
):
    """Selection asks licence_state (ADR 0018): an ended validity reads 已过期 before the
    nightly task marks it, and a licence starting tomorrow reads 尚未生效."""
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)
    lapsed = issue_food(xuhui_clerk, register(xuhui_clerk), valid_from=datetime.date(2019, 7, 1))
    tomorrow = datetime.date(2026, 11, 23)
    early = issue_food(xuhui_clerk, register(xuhui_clerk), valid_from=tomorrow)
    assert (lapsed.status, early.status) == ("active", "active")

    with pytest.raises(ValidationError, match="已过期"):
        _register(officer, lapsed.number)
    with pytest.raises(ValidationError, match="尚未生效"):
        _register(officer, early.number)
    assert not DemoStore.objects.exists()


def test_stages_advance_in_order_with_dated_history(officer, restaurant_licence):
    store = advance_store(officer, _register(officer, restaurant_licence.number), times=3)

    assert store.stage == "completed"
    assert list(StageChange.objects.values_list("stage", flat=True)) == [
        "preparation", "installation", "video_link", "completed",
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="已完成建设"):
        advance_store_stage(acting_user=officer, store=store)


def test_another_districts_store_answers_404(client, officer, restaurant_licence, reference_data):
    store = _register(officer, restaurant_licence.number)
    pudong = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))
    client.force_login(pudong)

    assert client.post(reverse("mingchu:store_advance", args=[store.pk])).status_code == 404
    assert (
        "上海明厨示范餐饮有限公司" not in client.get(reverse("mingchu:store_list")).content.decode()
    )


def test_store_list_runs_a_constant_number_of_queries(client, officer, xuhui_clerk):
    client.force_login(officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("mingchu:store_list"))
        return len(captured)

    _register(officer, issue_food(xuhui_clerk, register(xuhui_clerk)).number)
    few = queries()
    for _ in range(5):
        _register(officer, issue_food(xuhui_clerk, register(xuhui_clerk)).number)
    assert queries() == few


def test_quota_page_counts_selected_stores(client, officer, restaurant_licence):
    from django.core.management import call_command

    call_command("loaddata", "mingchu_quotas_2022", verbosity=0)
    _register(officer, restaurant_licence.number)
    client.force_login(officer)

    page = client.get(reverse("mingchu:quota_list")).content.decode()

    assert "data-selected>1<" in page


def test_video_link_needs_a_camera_and_completion_a_platform(officer, restaurant_licence):
    store = advance_store_stage(
        acting_user=officer, store=_register(officer, restaurant_licence.number)
    )
    with pytest.raises(ValidationError, match="摄像头"):
        advance_store_stage(acting_user=officer, store=store)

    add_camera(
        acting_user=officer, store=store, position="凉菜专间", control_points=["special_room"],
        installed_on=OCTOBER,
    )  # fmt: skip
    store = advance_store_stage(acting_user=officer, store=store)
    with pytest.raises(ValidationError, match="第三方平台"):
        advance_store_stage(acting_user=officer, store=store)

    connect_platform(
        acting_user=officer, store=store, platform="饿了么", shop_id="E1001", connected_on=OCTOBER
    )
    assert advance_store_stage(acting_user=officer, store=store).stage == "completed"


def test_unknown_control_points_and_duplicate_platforms_are_refused(officer, restaurant_licence):
    store = _register(officer, restaurant_licence.number)
    with pytest.raises(ValidationError, match="未知的关键控制点"):
        add_camera(
            acting_user=officer, store=store, position="后厨", control_points=["roof"],
            installed_on=OCTOBER,
        )  # fmt: skip
    connect_platform(
        acting_user=officer, store=store, platform="美团外卖", shop_id="M1", connected_on=OCTOBER
    )
    with pytest.raises(ValidationError, match="已登记对接美团外卖"):
        connect_platform(
            acting_user=officer, store=store, platform="美团外卖", shop_id="M2",
            connected_on=OCTOBER,
        )  # fmt: skip
    assert not store.cameras.exists()
    assert store.platform_connections.count() == 1


def test_registry_figures_count_each_milestone(officer, xuhui_clerk):
    stores = [
        _register(officer, issue_food(xuhui_clerk, register(xuhui_clerk)).number) for _ in range(4)
    ]
    advance_store(officer, stores[1], times=2)
    advance_store(officer, stores[2], times=3)
    store = advance_store(officer, stores[3], times=2)
    connect_platform(
        acting_user=officer, store=store, platform="饿了么", shop_id="E9", connected_on=OCTOBER
    )

    assert DemoStore.objects.progress_by_district() == {
        "310104": {
            "stores_selected": 4, "video_installed": 3, "platform_connected": 2, "completed": 1,
        }
    }  # fmt: skip
