"""In headless Chromium: a connected system on loopback (docs/oidc.md's Authlib client, run
as written) signs an agent in with the e-licence. The desktop browser signs in to the
portal by scan-to-login from a second browser context (the phone), consents, and the
system checks the ID token (signature by kid, iss, aud, exp, nonce, at_hash) and shows
the claims, the authorisation among them; then the system logs the user out."""

import json
import re
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from elicense import services
from elicense.models import Certificate, OidcConsent
from portal.models import AuditEvent
from tests.factories import PASSWORD, enterprise_user, register
from tests.oidc_flow import administrator, authorise, login_client, login_party

DOCS = Path(__file__).resolve().parents[2] / "docs" / "oidc.md"


def docs_client():
    """``make_app`` from the minimal client of docs/oidc.md, exactly as printed there."""
    text = DOCS.read_text(encoding="utf-8")
    code = re.search(r"## A minimal client in Python.*?```python\n(.*?)```", text, re.S)[1]
    namespace = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["make_app"]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    """A WSGI server on a free loopback port; the test sets its app once the port is known."""
    server = make_server("127.0.0.1", 0, lambda environ, start: [], handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_agent_signs_in_to_a_connected_system_by_scan(
    browser, live_server, loopback_server, xuhui_clerk, signing_key
):
    entity = register(xuhui_clerk, name="上海单点登录商贸有限公司", legal_person_name="李法人")
    for certificate in Certificate.objects.filter(holder_uscc=entity.uscc):
        services.sign_certificate(certificate_id=certificate.pk)
    owner = enterprise_user(entity, username="sso_owner", full_name="李法人")
    agent = enterprise_user(entity, capacity="agent", username="sso_agent", full_name="周经办")
    authorisation = authorise(owner, agent)
    admin = administrator()
    rp = f"http://127.0.0.1:{loopback_server.server_port}"
    party = login_party(admin, endpoint=rp.removeprefix("http://"))
    client, secret = login_client(admin, party)
    loopback_server.set_app(
        docs_client()(live_server.url, client.application.client_id, secret,
                      f"{rp}/callback", f"{rp}/signed-out")
    )  # fmt: skip

    desk = browser.new_context(locale="zh-CN")
    desktop = desk.new_page()
    desktop.goto(f"{rp}/login")  # the system sends the browser to the portal, which asks to log in
    desktop.wait_for_url(re.compile(r"/login/\?next=/oidc/authorize/"))
    qr = desktop.locator("[data-scan-login-qr][data-token]")
    qr.wait_for()
    token = qr.get_attribute("data-token")

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone = phone_context.new_page()
    _login(phone, live_server.url, "sso_agent")
    phone.goto(f"{live_server.url}/login/scan/{token}/")
    phone.get_by_role("button", name="确认登录").click()
    expect(phone.get_by_text("已确认，电脑端将自动登录。")).to_be_visible()

    # back on the desktop: signed in, straight on to the consent page
    expect(
        desktop.get_by_role("heading", name="用电子营业执照登录“动产抵押登记系统”")
    ).to_be_visible()
    expect(desktop.locator("[data-consent-entity]")).to_contain_text("上海单点登录商贸有限公司")
    expect(desktop.locator("[data-scope=authorisation]")).to_be_visible()
    serious = [
        (violation["id"], [n["target"] for n in violation["nodes"][:3]])
        for violation in Axe().run(desktop, context="main").response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []  # the consent page's content: WCAG 2.1 AA as axe-core checks it
    desktop.get_by_role("button", name="同意并登录").click()

    desktop.wait_for_url(f"{rp}/")
    claims = json.loads(desktop.locator("#claims").text_content())
    assert claims["aud"] == client.application.client_id
    assert claims["iss"] == live_server.url
    assert claims["entity_uscc"] == entity.uscc and claims["role"] == "经办人"
    assert claims["name"] == "周经办"
    assert claims["authorisation"]["id"] == authorisation.pk
    assert claims["authorisation"]["scope"] == "电子政务/市场监管"
    assert OidcConsent.objects.filter(user=agent, revoked_at__isnull=True).count() == 1

    desktop.get_by_role("link", name="退出").click()  # RP-initiated logout
    desktop.wait_for_url(f"{rp}/signed-out")
    assert AuditEvent.objects.filter(action="oidc.logged_out", actor=agent).exists()
    desktop.goto(f"{live_server.url}/elicense/mine/")
    desktop.wait_for_url(re.compile(r"/login/"))  # the portal session ended too
    phone_context.close()
    desk.close()
