"""In headless Chromium: the portal as its people use it — an enterprise on a phone, a clerk
who submits a form too early, an older user who wants larger text."""

import re

import pytest
from playwright.sync_api import expect

from elicense import services
from elicense.models import Certificate
from tests.factories import PASSWORD, enterprise_user, register

PHONE = {"width": 390, "height": 844}


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_enterprise_on_a_phone_shows_its_code_full_screen_within_two_taps(
    browser, live_server, xuhui_clerk, signing_key
):
    entity = register(xuhui_clerk, name="上海手机出示餐饮有限公司", legal_person_name="赵总")
    for certificate in Certificate.objects.filter(status="pending_signature"):
        services.sign_certificate(certificate_id=certificate.pk)
    enterprise_user(entity, username="ent_zhao", full_name="赵总")
    phone = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True).new_page()
    _login(phone, live_server.url, "ent_zhao")

    phone.get_by_role("link", name="出示电子营业执照").tap()  # tap 1

    qr = phone.locator("[data-presentation-qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], f"the code is below the first screen: {box}"
    expect(phone.locator("[data-presentation-code]")).to_have_text(
        re.compile(r"^[0-9A-Z$%*+./:-]{16,25}$")
    )

    phone.get_by_role("button", name="全屏出示").tap()  # tap 2

    expect(phone.get_by_role("button", name="退出全屏")).to_be_visible()
    assert phone.evaluate("document.fullscreenElement.hasAttribute('data-presentation-url')")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_form_submitted_empty_shows_every_error_at_once_with_focus_on_the_summary(
    page, live_server, xuhui_clerk
):
    _login(page, live_server.url, "clerk_xh")
    page.goto(f"{live_server.url}/licensing/entities/new/")
    expect(page.get_by_text("标 * 的为必填项。")).to_be_visible()
    assert not page.title().startswith("错误：")

    page.get_by_role("button", name="提交").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("提交未成功，请修改以下各项：")
    assert page.title().startswith("错误：")
    links = summary.get_by_role("link")
    assert links.count() >= 5, summary.inner_text()  # every required field, in one round
    expect(links.first).to_contain_text("统一社会信用代码：")

    links.first.click()
    expect(page.get_by_label("统一社会信用代码")).to_be_focused()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_elder_mode_survives_a_page_change_and_can_be_switched_off(page, live_server):
    page.goto(f"{live_server.url}/mingchu/demo-stores/")
    toggle = page.get_by_role("button", name="长辈模式")
    expect(toggle).to_have_attribute("aria-pressed", "false")

    toggle.click()

    expect(page.locator("html")).to_have_class("elder")
    expect(page).to_have_url(f"{live_server.url}/mingchu/demo-stores/")  # back where it was
    page.get_by_role("link", name="市场监管政务服务门户").click()  # another page
    expect(page.locator("html")).to_have_class("elder")
    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    small_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('footer')).fontSize)"
    )
    assert body_px >= 18 and small_px >= 18, (body_px, small_px)
    expect(page.get_by_role("button", name="长辈模式")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="长辈模式").click()

    expect(page.locator("html")).not_to_have_class("elder")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_canteen_reads_its_supplier_list_on_a_phone_as_cards(browser, live_server, xuhui_clerk):
    canteen = register(xuhui_clerk, name="上海某中学食堂管理有限公司")
    supplier = register(xuhui_clerk, name="上海新鲜蔬菜配送有限公司")
    enterprise_user(canteen, username="ent_canteen", full_name="食堂主任")
    phone = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    _login(phone, live_server.url, "ent_canteen")
    phone.goto(f"{live_server.url}/licensing/suppliers/")

    phone.get_by_label("统一社会信用代码或食品经营许可证编号").fill(supplier.uscc)
    phone.get_by_label("备注").fill("蔬菜")
    phone.get_by_role("button", name="添加").click()

    cell = phone.locator("[data-supplier-state] td[data-label='代码 / 编号']")
    expect(cell).to_contain_text(supplier.uscc)
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"代码 / 编号"'
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
