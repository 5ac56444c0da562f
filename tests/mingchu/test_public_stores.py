"""Public demo-store pages: the list by district and a store's page with mark, video and links."""

import datetime

import pytest
from django.urls import reverse

from elicense.models import Certificate
from mingchu.services import register_demo_store, set_video_stream
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, clerk, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


def _store(officer, issuing_clerk, name=None):
    entity = register(issuing_clerk, **({"name": name} if name else {}))
    licence = issue_food(issuing_clerk, entity)
    return register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1),
    )  # fmt: skip


@pytest.fixture
def completed(officer, xuhui_clerk):
    store = _store(officer, xuhui_clerk, name="上海公示完成餐饮有限公司")
    return advance_store(officer, store, times=3)


def test_list_shows_stores_by_district_with_their_stage(client, officer, xuhui_clerk, completed):
    _store(officer, xuhui_clerk, name="上海公示准备餐饮有限公司")
    huangpu_officer = UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310101")
    )
    _store(
        huangpu_officer, clerk("310101", username="clerk_hp_pub"), name="上海黄浦公示餐饮有限公司"
    )

    everything = client.get(reverse("mingchu:public_store_list")).content.decode()
    xuhui = client.get(reverse("mingchu:public_store_list"), {"district": "310104"})

    assert "上海黄浦公示餐饮有限公司" in everything and "全市共 3 家" in everything
    page = xuhui.content.decode()
    assert "上海黄浦公示餐饮有限公司" not in page and "徐汇区共 2 家" in page
    assert "明厨亮灶 · 完成建设" in page and "前期准备" in page
    assert reverse("mingchu:public_store_detail", args=[completed.pk]) in page


def test_list_shows_the_project_year_and_earlier_years_on_request(
    client, officer, xuhui_clerk, quotas, city
):
    from mingchu.services import set_year_quotas

    earlier = _store(officer, xuhui_clerk, name="上海二〇二二示范餐饮有限公司")
    figures = {code: (1, 1) for code in District.objects.values_list("code", flat=True)}
    set_year_quotas(acting_user=city, year=2023, quotas=figures, reason="2023年方案")
    later = _store(officer, xuhui_clerk, name="上海二〇二三示范餐饮有限公司")

    current = client.get(reverse("mingchu:public_store_list")).content.decode()
    past = client.get(reverse("mingchu:public_store_list"), {"year": 2022}).content.decode()

    assert later.unit_name in current and earlier.unit_name not in current
    assert "2023年“互联网＋明厨亮灶”示范店" in current and 'href="?year=2022"' in current
    assert earlier.unit_name in past and later.unit_name not in past
    xuhui = client.get(reverse("mingchu:public_store_list"), {"district": "310104"})
    assert 'href="?district=310104&amp;year=2022"' in xuhui.content.decode()  # keeps the filter


def test_list_runs_a_constant_number_of_queries(
    client, officer, xuhui_clerk, django_assert_num_queries
):
    _store(officer, xuhui_clerk)
    with django_assert_num_queries(5) as few:  # project year, districts, count, page, years
        client.get(reverse("mingchu:public_store_list"))
    for _ in range(6):
        _store(officer, xuhui_clerk)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("mingchu:public_store_list"))


def test_completed_store_shows_the_mark_platform_points_and_licence_link(client, completed):
    page = client.get(reverse("mingchu:public_store_detail", args=[completed.pk])).content.decode()

    assert "data-mingchu-mark" in page and "明厨亮灶" in page
    assert "美团外卖" in page and "专间" in page and "烹饪区" in page
    main = Certificate.objects.shown_for_holder(completed.holder_uscc).first()
    assert reverse("elicense:holder_page", args=[main.public_id]) in page


def test_a_store_page_names_the_delivery_platforms_a_diner_can_order_on(
    client, officer, xuhui_clerk
):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海外卖公示餐饮有限公司"))
    selling = register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1), on_delivery_platform=True,
        delivery_platforms=["eleme", "jd"],
    )  # fmt: skip
    unrecorded = _store(officer, xuhui_clerk)

    def page(store):
        url = reverse("mingchu:public_store_detail", args=[store.pk])
        return client.get(url).content.decode()

    shown = page(selling)
    assert "网络订餐平台" in shown
    assert shown.count("data-delivery-platform") == 2 and "饿了么" in shown and "京东外卖" in shown
    assert "data-delivery-platform" not in page(unrecorded)


def test_unfinished_store_has_no_mark(client, officer, xuhui_clerk):
    store = advance_store(officer, _store(officer, xuhui_clerk), times=2)

    page = client.get(reverse("mingchu:public_store_detail", args=[store.pk])).content.decode()

    assert "data-mingchu-mark" not in page and "视频对接" in page


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://video.example/kitchen/live.m3u8", "application/vnd.apple.mpegurl"),
        ("http://video.example/kitchen/clip.mp4", "video/mp4"),
        ("https://video.example/kitchen/clip.webm", "video/webm"),
    ],
)
def test_browser_playable_streams_get_a_player_with_a_fallback_link(
    client, officer, completed, url, player
):
    set_video_stream(acting_user=officer, store=completed, url=url)

    page = client.get(reverse("mingchu:public_store_detail", args=[completed.pk])).content.decode()

    assert "<video controls" in page and f'type="{player}"' in page
    assert f'href="{url}"' in page and "data-video-fallback" in page
    assert "mingchu/video_fallback.js" in page


def test_rtsp_streams_are_only_a_link(client, officer, completed):
    set_video_stream(acting_user=officer, store=completed, url="rtsp://cam.example:554/kitchen")

    page = client.get(reverse("mingchu:public_store_detail", args=[completed.pk])).content.decode()

    assert "<video" not in page and 'href="rtsp://cam.example:554/kitchen"' in page
    assert "RTSP 流" in page


def test_player_page_lets_only_the_streams_host_through_the_csp(
    client, officer, completed, settings
):
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'"
    set_video_stream(acting_user=officer, store=completed, url="https://video.example/k/live.m3u8")

    response = client.get(reverse("mingchu:public_store_detail", args=[completed.pk]))

    assert response["Content-Security-Policy"] == (
        "default-src 'self'; media-src 'self' https://video.example"
    )


def test_public_home_page_links_to_the_demo_store_list(client):
    page = client.get(reverse("portal:home")).content.decode()

    assert reverse("mingchu:public_store_list") in page
