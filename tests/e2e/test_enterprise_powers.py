"""In headless Chromium: scan-to-login with two browsers; an agent presents under authorisation."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from elicense import services
from elicense.models import Certificate, Matter
from elicense.services.authorisations import grant_authorisation
from tests.factories import PASSWORD, enterprise_user, register


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def holder(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海授权扫码餐饮有限公司", legal_person_name="钱总")
    for certificate in Certificate.objects.filter(status="pending_signature"):
        services.sign_certificate(certificate_id=certificate.pk)
    return entity


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_scan_to_login_signs_in_the_waiting_desktop(browser, live_server, holder, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    enterprise_user(holder, username="ent_qian", full_name="钱总")
    desktop = browser.new_context(locale="zh-CN").new_page()
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()

    desktop.goto(f"{live_server.url}/login/")
    qr = desktop.locator("[data-scan-login-qr]")
    expect(qr).to_have_attribute("data-token", re.compile(r"^[\w-]{30,}$"))
    token = qr.get_attribute("data-token")

    _login(phone, live_server.url, "ent_qian")
    phone.goto(f"{live_server.url}/login/scan/{token}/")
    expect(phone.get_by_text("HeadlessChrome")).to_be_visible()  # which browser asks
    phone.get_by_role("button", name="确认登录").click()
    expect(phone.get_by_text("已确认，电脑端将自动登录。")).to_be_visible()

    desktop.wait_for_url(f"{live_server.url}/", timeout=15_000)
    expect(desktop.get_by_text("钱总（企业用户）")).to_be_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_agent_presents_and_the_clerk_sees_the_authorisation(browser, live_server, holder):
    legal = enterprise_user(holder, username="ent_qian", full_name="钱总")
    agent = enterprise_user(holder, capacity="agent", username="ent_sun", full_name="孙经办")
    now = timezone.now()
    grant_authorisation(
        acting_user=legal,
        agent=agent,
        scope=Matter.objects.get(path="电子政务/市场监管"),
        valid_from=now - datetime.timedelta(minutes=1),
        valid_to=now + datetime.timedelta(days=7),
    )
    phone = browser.new_context(locale="zh-CN").new_page()
    _login(phone, live_server.url, "ent_sun")
    phone.goto(f"{live_server.url}/elicense/mine/")
    phone.wait_for_function(
        "document.querySelector('[data-presentation-code]').textContent.length === 20"
    )
    code = phone.locator("[data-presentation-code]").text_content()

    desk = browser.new_context(locale="zh-CN").new_page()
    _login(desk, live_server.url, "clerk_xh")
    desk.goto(f"{live_server.url}/elicense/scan/")
    desk.get_by_label("办理事项").select_option("电子政务/市场监管/动产抵押")
    desk.get_by_label("扫描或粘贴出示码、亮照二维码或打印件二维码").focus()
    desk.keyboard.type(code, delay=5)
    desk.keyboard.press("Enter")

    result = desk.locator("[data-result]")
    expect(result).to_have_attribute("data-result", "valid")
    expect(desk.locator("[data-presenter]")).to_contain_text("孙经办（经办人）")
    expect(desk.locator("[data-presenter]")).to_contain_text("范围：电子政务/市场监管")
    expect(desk.locator("[data-presenter]")).to_contain_text(
        f"期限：{timezone.localtime(now - datetime.timedelta(minutes=1)):%Y-%m-%d %H:%M} 至"
    )
    expect(desk.locator("[data-presenter]")).not_to_contain_text("#")  # no internal id
