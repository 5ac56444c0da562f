"""In headless Chromium: every demo role's main pages meet WCAG 2.1 AA as axe-core checks it
(no serious or critical violation) on a phone in 长辈模式, and no page is wider than the
phone's screen.

The same main pages without 长辈模式, at desktop (1366×768) and phone (390×844) width, are
checked by the crawl (``crawl_axe.walk`` adds each account's main pages to the pages it
found), so that no page is opened and checked twice at the same width. The demo data of
``make run`` is seeded once; each role is signed in by its session cookie and opens its home
page, every page of its navigation and its role's own desk.
"""

import pytest
from django.test import Client

from elicense.models import Certificate
from portal.models import User
from portal.views.display import ELDER_COOKIE
from tests.e2e import axe

DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
#: The views checked here (name: viewport); the crawl checks desktop and phone width.
ELDER_VIEWS = {"phone-elder": PHONE}
ROLES = [
    "admin",
    "city",
    "clerk_xuhui",
    "officer_xuhui",
    "reviewer",
    "ent_legal",
    "ent_agent",
    "yyz_samr",
    "anonymous",
]
#: Desks a role reaches from its home page's panels rather than from the navigation.
EXTRA_PAGES = {
    "ent_legal": ["/elicense/mine/", "/licensing/suppliers/", "/yiyeyizheng/assistance/"],
    "ent_agent": ["/elicense/mine/"],
    "officer_xuhui": ["/mingchu/stores/"],
    "city": ["/mingchu/rollup/2022/10/", "/mingchu/dashboard/"],
}
PUBLIC_PAGES = [
    "/",
    "/login/",
    "/elicense/signatures/verify/",
    "/elicense/access/apply/",
    "/yiyeyizheng/",
    "/yiyeyizheng/progress/",
    "/mingchu/demo-stores/",
]
#: The element that makes a page wider than the viewport, for the failure message.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.'));
  return wide.slice(0, 5);
}"""


def sign_in(context, live_server, role: str, *, elder: bool) -> None:
    """Hand the browser the session of a signed-in demo account (the login form has its
    own tests; this test is about the pages behind it) and its 长辈模式 cookie."""
    cookies = [{"name": ELDER_COOKIE, "value": "1", "url": live_server.url}] if elder else []
    if role != "anonymous":
        client = Client()
        client.force_login(User.objects.get(username=role))
        session = client.cookies["sessionid"].value
        cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
    context.add_cookies(cookies)


def main_pages(page, live_server, role: str) -> list[str]:
    """The role's home page, every page of its navigation, and its own desk."""
    if role == "anonymous":
        certificate = Certificate.objects.filter(status="active").order_by("pk").first()
        return [*PUBLIC_PAGES, f"/v/{certificate.public_id}/"]
    page.goto(f"{live_server.url}/")
    links = page.locator("#nav a.nav-link").evaluate_all("links => links.map(a => a.pathname)")
    return list(dict.fromkeys(["/", *links, *EXTRA_PAGES.get(role, [])]))


def page_problems(page, url: str, views: dict) -> tuple[int, list[str]]:
    """Open ``url`` once, at the first view's size, and check it at each view's size in turn:
    (views checked, problems). The pages' layout is CSS alone (no script of ours reads the
    window's size), so a page narrowed to a phone's width lays out as one opened there."""
    first = next(iter(views))
    page.set_viewport_size(views[first])
    response = page.goto(url)
    if response is None or response.status >= 400:
        return 0, [f"{url} [{first}]: answered {response and response.status}"]
    problems = []
    for view, size in views.items():
        page.set_viewport_size(size)
        problems += view_problems(page, url, view)
    return len(views), problems


def view_problems(page, url: str, view: str) -> list[str]:
    """What axe-core finds serious or critical on the open page, and sideways scrolling on a
    phone (the page's context has ``axe.install``-ed axe-core)."""
    problems = []
    for violation in axe.serious_violations(page):
        targets = [node["target"] for node in violation["nodes"][:3]]
        problems.append(f"{url} [{view}]: {violation['id']} ({violation['impact']}) {targets}")
    if view.startswith("phone"):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{url} [{view}]: {width} px wide, {page.evaluate(WIDEST)}")
    return problems


@pytest.mark.e2e
def test_every_roles_main_pages_pass_axe_on_a_phone_in_elder_mode(
    browser, live_server, demo_portal
):
    problems, visited = [], 0
    for role in ROLES:
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        axe.install(context)
        sign_in(context, live_server, role, elder=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        for url in main_pages(page, live_server, role):
            checked, found = page_problems(page, live_server.url + url, ELDER_VIEWS)
            problems += [f"{role}: {problem}" for problem in found]
            visited += checked
        context.close()

    assert visited > 30
    assert not problems, "\n".join(problems)
