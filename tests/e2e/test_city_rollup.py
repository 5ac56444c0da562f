"""In headless Chromium: the city officer builds the month's roll-up and opens a district."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from portal.models import Role
from tests.factories import PASSWORD, UserFactory
from tests.mingchu.rollup_data import XUHUI, demo_stores


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_build_now_then_open_a_district_dashboard(page, live_server, reference_data):
    call_command("loaddata", "mingchu_quotas_2022", verbosity=0)
    demo_stores(XUHUI, [1, 3])
    UserFactory(role=Role.CITY_OFFICER, username="city_rollup", full_name="市局统计员")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("city_rollup")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("link", name="全市汇总").click()
    page.get_by_label("年度").fill("2022")
    page.get_by_label("月份").fill("9")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_text("该期尚未汇总")).to_be_visible()

    page.get_by_role("button", name="立即汇总").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("（2022年9月 第1版）")
    expect(page.locator("[data-totals]")).to_contain_text("1000")
    expect(page.locator(f"[data-rollup-table] [data-district='{XUHUI}']")).to_contain_text("80")
    expect(page.get_by_role("img", name="2022年9月 第1版：各区布点与建设进度")).to_be_visible()

    page.locator("[data-rollup-table]").get_by_role("link", name="徐汇").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2022年徐汇区示范店建设进度看板")
    expect(page.locator("[data-completed]")).to_contain_text("1（1.3%）")
    expect(page.get_by_role("img", name="2022年徐汇区示范店建设进度（各月末累计）")).to_be_visible()
