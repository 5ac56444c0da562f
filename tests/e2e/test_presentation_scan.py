"""In headless Chromium: the enterprise shows a presentation QR, the clerk scans it."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from elicense import services
from elicense.models import Certificate
from tests.factories import PASSWORD, enterprise_user, issue_food, register


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_enterprise_presents_and_clerk_scans(browser, live_server, xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海扫码测试餐饮有限公司", legal_person_name="周敏")
    issue_food(xuhui_clerk, entity)
    for certificate in Certificate.objects.filter(status="pending_signature"):
        services.sign_certificate(certificate_id=certificate.pk)
    enterprise_user(entity, username="ent_zm", full_name="周敏")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    shown = phone.new_page()
    _login(shown, live_server.url, "ent_zm")
    shown.get_by_role("button", name="展开导航").click()  # a phone shows the collapsed menu
    shown.get_by_role("link", name="电子证照").click()
    code_text = shown.locator("[data-presentation-code]")
    code_text.wait_for()
    shown.wait_for_function(
        "document.querySelector('[data-presentation-code]').textContent.length === 20"
    )
    code = code_text.text_content()
    qr_png = shown.locator("[data-presentation-qr] svg").screenshot()
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png)))]
    assert decoded == [code]
    assert int(shown.locator("[data-countdown]").text_content()) > 90

    desk = browser.new_context(locale="zh-CN")
    scanner = desk.new_page()
    _login(scanner, live_server.url, "clerk_xh")
    scanner.get_by_role("link", name="扫码验照").click()
    expect(scanner.locator("input[name=token]")).to_be_focused()
    scanner.keyboard.type(code, delay=5)  # a scanner gun is a keyboard ending in Enter
    scanner.keyboard.press("Enter")

    result = scanner.locator("[data-result]")
    result.wait_for()
    assert result.get_attribute("data-result") == "valid"
    assert "出示人：周敏" in result.text_content()
    assert scanner.get_by_text("上海扫码测试餐饮有限公司").first.is_visible()

    expect(scanner.locator("input[name=token]")).to_be_focused()
    scanner.keyboard.type(code, delay=5)  # the input is focused again: scan the same code
    scanner.keyboard.press("Enter")
    scanner.locator("[data-result=replayed]").wait_for()
    phone.close()
    desk.close()
