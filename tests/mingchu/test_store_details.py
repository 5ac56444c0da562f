"""The store page of a district officer: 附件4 fields, stage history, cameras, platforms, video."""

import datetime

import pytest
from django.urls import reverse

from mingchu.models import Camera, DemoStore
from mingchu.services import register_demo_store
from portal.models import AuditEvent, District, Role
from tests.double_submit import form_token
from tests.factories import UserFactory, advance_store, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


@pytest.fixture
def store(officer, xuhui_clerk):
    entity = register(xuhui_clerk, name="上海详情页示范餐饮有限公司")
    licence = issue_food(xuhui_clerk, entity, premises_address="上海市徐汇区天钥桥路100号")
    return register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="food_court",
        expected_completion=datetime.date(2022, 9, 1),
    )  # fmt: skip


def _page(client, store):
    return client.get(reverse("mingchu:store_detail", args=[store.pk]))


def test_store_list_links_to_the_store_page_with_its_fields(client, officer, store):
    client.force_login(officer)
    listing = client.get(reverse("mingchu:store_list")).content.decode()
    assert reverse("mingchu:store_detail", args=[store.pk]) in listing

    page = _page(client, store).content.decode()

    for text in (
        "上海详情页示范餐饮有限公司",
        "上海市徐汇区天钥桥路100号",
        store.food_licence_number,
    ):
        assert text in page
    assert "美食广场" in page and "2022年9月" in page and "前期准备" in page
    assert page.count("data-stage-change") == 1


def test_officer_adds_a_camera_with_its_control_points(client, officer, store):
    client.force_login(officer)

    response = client.post(
        reverse("mingchu:store_detail", args=[store.pk]),
        {"form": "camera", "position": "凉菜专间", "control_points": ["special_room", "serving"],
         "installed_on": "2022-08-03"},
        follow=True,
    )  # fmt: skip

    camera = Camera.objects.get(store=store)
    assert camera.control_points == ["special_room", "serving"]
    page = response.content.decode()
    assert "凉菜专间" in page and "专间、备餐区" in page
    assert AuditEvent.objects.filter(action="demo_store.camera_added").count() == 1


def test_a_camera_without_control_points_shows_the_services_chinese_error(client, officer, store):
    client.force_login(officer)

    response = client.post(
        reverse("mingchu:store_detail", args=[store.pk]),
        {"form": "camera", "position": "热厨", "installed_on": "2022-08-03"},
    )

    assert response.status_code == 400
    assert "请选择摄像头覆盖的关键控制点。" in response.content.decode()
    assert not Camera.objects.exists()


def test_platform_connection_and_its_duplicate(client, officer, store):
    client.force_login(officer)
    url = reverse("mingchu:store_detail", args=[store.pk])
    data = {
        "form": "platform",
        "platform": "饿了么",
        "shop_id": "E2022",
        "connected_on": "2022-09-02",
    }

    page = client.post(url, data, follow=True).content.decode()
    assert "饿了么" in page and "E2022" in page and "2022-09-02" in page

    again = client.post(url, {**data, "shop_id": "E2023"})
    assert again.status_code == 400 and "该店已登记对接饿了么。" in again.content.decode()
    assert store.platform_connections.count() == 1


def test_video_stream_address_is_set_and_a_bad_one_refused(client, officer, store):
    client.force_login(officer)
    url = reverse("mingchu:store_detail", args=[store.pk])

    bad = client.post(url, {"form": "video", "url": "ftp://cam.example/kitchen"})
    assert bad.status_code == 400 and "有效的" in bad.content.decode()

    client.post(url, {"form": "video", "url": "https://video.example/k/1.m3u8"})
    store.refresh_from_db()
    assert store.video_stream_url == "https://video.example/k/1.m3u8"


def test_advance_button_shows_why_the_store_cannot_move_on(client, officer, store):
    store = advance_store(officer, store)  # 设备安装: the next stage needs a camera
    client.force_login(officer)

    page = _page(client, store).content.decode()

    assert "进入下一阶段：视频对接" in page and "disabled" in page
    assert "进入视频对接前须登记已安装的摄像头" in page


def test_advancing_from_the_store_page_returns_to_it(client, officer, store):
    client.force_login(officer)

    url = reverse("mingchu:store_advance", args=[store.pk])
    confirm = client.post(url, {"back": "detail"})
    page = confirm.content.decode()
    assert "data-confirmation" in page and "请联系市局人员更正" in page
    assert "上海详情页示范餐饮有限公司" in page and "设备安装" in page
    assert DemoStore.objects.get().stage == "preparation"  # nothing happens before confirming

    response = client.post(url, {"back": "detail", "confirmed": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mingchu:store_detail", args=[store.pk])
    assert response.content.decode().count("data-stage-change") == 2
    assert DemoStore.objects.get().stage == "installation"


def test_a_stage_is_dated_as_the_officer_says_but_never_before_the_last_one(
    client, officer, xuhui_clerk
):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk))
    store = register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 9, 1), selected_on=datetime.date(2022, 5, 10),
    )  # fmt: skip
    client.force_login(officer)
    url = reverse("mingchu:store_advance", args=[store.pk])

    early = client.post(url, {"back": "detail", "on": "2022-05-09"}, follow=True)
    assert "进度日期不能早于上一阶段的日期（2022-05-10）" in early.content.decode()
    assert DemoStore.objects.get().stage == "preparation"

    client.post(url, {"back": "detail", "on": "2022-06-01", "confirmed": "1"})
    dates = list(DemoStore.objects.get().stage_history.order_by("on").values_list("on", flat=True))
    assert dates == [datetime.date(2022, 5, 10), datetime.date(2022, 6, 1)]


def test_a_stage_cannot_be_dated_in_the_future(officer, store):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from mingchu.services import advance_store_stage

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        advance_store_stage(acting_user=officer, store=store, on=tomorrow)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        register_demo_store(
            acting_user=officer, food_licence_number=store.food_licence_number,
            location_type="other", expected_completion=datetime.date(2022, 9, 1),
            selected_on=tomorrow, year=2023,
        )  # fmt: skip
    assert store.stage_history.count() == 1


def test_another_districts_store_page_answers_404(client, store, reference_data):
    pudong = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))
    client.force_login(pudong)

    assert _page(client, store).status_code == 404
    post = client.post(
        reverse("mingchu:store_detail", args=[store.pk]),
        {"form": "platform", "platform": "美团外卖", "shop_id": "X", "connected_on": "2022-09-02"},
    )
    assert post.status_code == 404 and not store.platform_connections.exists()


def test_city_officer_reads_without_forms(client, store):
    city = UserFactory(role=Role.CITY_OFFICER)
    client.force_login(city)

    page = _page(client, store).content.decode()

    assert "上海详情页示范餐饮有限公司" in page and 'name="form"' not in page
    post = client.post(
        reverse("mingchu:store_detail", args=[store.pk]),
        {"form": "video", "url": "https://video.example/k.mp4"},
    )
    assert post.status_code == 404


def test_window_clerks_cannot_see_the_store_page(client, store, xuhui_clerk):
    client.force_login(xuhui_clerk)

    assert _page(client, store).status_code == 404


def test_a_camera_form_posted_twice_registers_one_camera(client, officer, store):
    client.force_login(officer)
    url = reverse("mingchu:store_detail", args=[store.pk])
    data = {"form": "camera", "position": "凉菜专间", "control_points": ["special_room"],
            "installed_on": "2022-08-03", "form_token": form_token(client, url)}  # fmt: skip

    for _ in range(2):
        assert client.post(url, data).status_code == 302

    assert Camera.objects.filter(store=store).count() == 1
