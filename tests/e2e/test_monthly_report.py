"""In headless Chromium: a district files its monthly report, the city sees it in the roll-up
and returns it, the district corrects and resubmits, the city sees both versions."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mingchu.services import register_demo_store
from portal.models import District, Role
from tests.factories import PASSWORD, UserFactory, issue_food, register


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}/")


def _rollup(page, today):
    """The city officer builds a new revision of this month's city roll-up (立即汇总)."""
    page.get_by_role("link", name="全市汇总").click()
    page.get_by_label("年度").fill(str(today.year))
    page.get_by_label("月份").fill(str(today.month))
    page.get_by_role("button", name="查看").click()
    page.get_by_role("button", name="立即汇总").click()


@pytest.fixture
def xuhui_officer(xuhui_clerk):
    """A Xuhui district officer whose registry holds one demo store this year."""
    officer = UserFactory(
        role=Role.DISTRICT_OFFICER,
        district=District.objects.get(code="310104"),
        username="officer_xh",
        full_name="徐汇区局李强",
    )
    licence = issue_food(xuhui_clerk, register(xuhui_clerk))
    register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1), year=timezone.localdate().year,
    )  # fmt: skip
    return officer


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_file_return_correct_and_resubmit(browser, live_server, xuhui_officer):
    UserFactory(role=Role.CITY_OFFICER, username="city_report", full_name="市局王芳")
    today = timezone.localdate()
    period = f"{today.year}年{today.month}月"
    base = live_server.url

    district = browser.new_context(locale="zh-CN").new_page()
    _login(district, base, "officer_xh")
    district.get_by_role("link", name="月度报表").click()
    district.get_by_role("button", name=f"填报本月（{period}）报表").click()
    expect(district.locator('[data-figure="stores_selected"] [data-registry]')).to_contain_text(
        "登记数据：1"
    )
    district.get_by_label("上报单位").fill("徐汇区市场监督管理局")
    district.get_by_label("统计员").fill("李强")
    district.get_by_label("电话").fill("021-64870000")
    district.get_by_label("示范店选点完成数量（户）").fill("2")
    district.get_by_label("区级配套资金投入情况（万元）").fill("30")
    district.get_by_label("与登记数据不一致的说明").fill("一家已签约，许可证待录入")
    district.get_by_role("button", name="上报").click()
    expect(district.get_by_role("alert")).to_contain_text("报表已上报")
    expect(district.locator("[data-sheet] [data-submitted-at]")).not_to_have_text("未上报")

    city = browser.new_context(locale="zh-CN").new_page()
    _login(city, base, "city_report")
    _rollup(city, today)
    expect(city.get_by_role("heading", name="第1版")).to_be_visible()
    xuhui = city.locator('[data-rollup-table] tr[data-district="310104"]')
    expect(xuhui).to_contain_text("填报选点完成2，登记1")
    expect(city.locator('[data-reporting-table] tr[data-district="310104"]')).to_contain_text(
        "按时上报"
    )
    xuhui.get_by_role("link", name="按时上报").click()
    expect(city.locator("[data-sheet]")).to_contain_text("一家已签约，许可证待录入")
    city.get_by_label("退回原因").fill("区级配套资金应为35万元")
    city.get_by_role("button", name="退回修改").click()
    expect(city.locator("[data-returned-reason]")).to_contain_text("区级配套资金应为35万元")

    district.get_by_role("link", name="月度报表").click()
    row = district.locator(f'tr[data-report="{today.year}-{today.month}"]')
    expect(row.locator("[data-status]")).to_have_text("已退回修改")
    expect(row).to_contain_text("区级配套资金应为35万元")
    row.get_by_role("link", name="填报").click()
    expect(district.locator("[data-returned-reason]")).to_contain_text("区级配套资金应为35万元")
    district.get_by_label("区级配套资金投入情况（万元）").fill("35")
    district.get_by_role("button", name="上报").click()
    expect(district.get_by_role("alert")).to_contain_text("报表已上报")

    _rollup(city, today)
    expect(city.get_by_role("heading", name="第2版")).to_be_visible()
    xuhui.get_by_role("link", name="按时上报").click()
    expect(city.locator("[data-version]")).to_have_count(2)
    expect(city.locator('[data-version="2"]')).to_contain_text("区级配套资金投入情况（万元）：35")
    expect(city.locator('[data-version="1"]')).to_contain_text("区级配套资金投入情况（万元）：30")
