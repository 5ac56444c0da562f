"""In headless Chromium on a phone-sized screen: a demo store's public page and its video."""

import datetime

import pytest
from playwright.sync_api import expect

from mingchu.services import register_demo_store, set_video_stream
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, issue_food, register


def _completed_store(xuhui_clerk):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海手机公示餐饮有限公司"))
    store = register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1),
    )  # fmt: skip
    return officer, advance_store(officer, store, times=3)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_video_that_cannot_play_shows_the_fallback_link(
    browser, live_server, xuhui_clerk, signing_key
):
    officer, store = _completed_store(xuhui_clerk)
    # Nothing listens on port 9: the player fails at once, without holding a connection open.
    set_video_stream(acting_user=officer, store=store, url="http://127.0.0.1:9/kitchen.mp4")
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    page = context.new_page()

    page.goto(f"{live_server.url}/mingchu/demo-stores/")
    page.get_by_label("所在区").select_option("310104")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="上海手机公示餐饮有限公司").click()

    expect(page.get_by_role("img", name="明厨亮灶示范店（已完成建设）")).to_be_visible()
    fallback = page.locator("[data-video-fallback]")
    expect(fallback).to_be_hidden()
    page.locator("[data-kitchen-video]").evaluate(
        "video => { video.preload = 'auto'; video.load(); }"
    )
    expect(fallback).to_be_visible()
    expect(page.get_by_role("link", name="在新窗口打开后厨视频")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()  # lets go of the video request before the live server stops


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_hls_in_a_browser_without_hls_says_so_at_once(
    browser, live_server, xuhui_clerk, signing_key
):
    officer, store = _completed_store(xuhui_clerk)
    set_video_stream(acting_user=officer, store=store, url="https://video.example/k/live.m3u8")
    page = browser.new_context(locale="zh-CN").new_page()

    page.goto(f"{live_server.url}/mingchu/demo-stores/{store.pk}/")

    can_play = page.evaluate(
        "document.createElement('video').canPlayType('application/vnd.apple.mpegurl')"
    )
    expect(page.locator("[data-video-fallback]")).to_be_visible(visible=not can_play)
