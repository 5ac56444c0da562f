"""The smoke crawl, in Chromium: every page each demo account reaches by following links
(``tests/portal/test_smoke_crawl.crawl``) passes axe-core with no serious or critical
violation at desktop (1366 px) and phone (390 px) width, and no page is wider than a phone.

The crawl itself runs through Django's test client (cheap); each page shape it found (one
``/licensing/entities/<n>/`` stands for all), and each of the account's main pages as
``test_accessibility`` names them (its home page, its navigation, its own desks, with the
demo month's data), is then opened in the browser as that account, checked at desktop
width, then narrowed to a phone's and checked again (``page_problems``).
The accounts are walked in two test modules (``test_crawl_accessibility_*``), so that the
two test processes share the work (ADR 0034); together they walk every demo account.
"""

from urllib.parse import urlsplit

from django.test import Client

from portal.models import User
from tests.e2e import axe
from tests.e2e.test_accessibility import DESKTOP, PHONE, main_pages, page_problems, sign_in
from tests.portal.test_smoke_crawl import ROLES, THIRD_PARTY_PAGES, crawl, shape, starting_points

VIEWS = {"desktop": DESKTOP, "phone": PHONE}

#: The city's own desks, and everyone else: enterprises, the 一业一证 departments, the public.
CITY_STAFF = ["admin", "city", "clerk_xuhui", "officer_xuhui", "reviewer"]
EVERYONE_ELSE = [role for role in ROLES if role not in CITY_STAFF]
#: Findings in widgets Django's admin builds with its own scripts, which no template of ours
#: renders: (axe rule, a piece of the element's selector). Each is known upstream; anything
#: else on an admin page, and everything on people's pages, fails the test.
DJANGO_ADMIN_WIDGETS = {
    ("aria-prohibited-attr", "过滤"),  # SelectFilter2's help icons (filter_horizontal)
    ("aria-input-field-name", "select2"),  # autocomplete_fields (select2)
    ("scrollable-region-focusable", "-group"),  # a tabular inline scrolling on a phone
}


def known_admin_widget(problem: str) -> bool:
    return "/admin/" in problem and any(
        f": {rule} (" in problem and piece in problem for rule, piece in DJANGO_ADMIN_WIDGETS
    )


def crawled_pages(role: str) -> list[str]:
    """One page of each shape the account reaches, as HTML with 200."""
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    found = crawl(client, role, starting_points(role))
    pages, shapes = [], set()
    for visit in found.visits:
        path = urlsplit(visit.url).path
        if visit.status != 200 or "text/html" not in visit.content_type:
            continue
        if path.startswith(THIRD_PARTY_PAGES) or shape(visit.url) in shapes:
            continue
        shapes.add(shape(visit.url))
        pages.append(visit.url)
    return pages


def walk(browser, live_server, roles: list[str]) -> tuple[int, list[str]]:
    """Check every crawled page and every main page of each account at both widths:
    (views checked, problems)."""
    problems, visited = [], 0
    for role in roles:
        context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
        axe.install(context)
        sign_in(context, live_server, role, elder=False)
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages = crawled_pages(role)
        pages += [url for url in main_pages(page, live_server, role) if url not in pages]
        for url in pages:
            checked, found = page_problems(page, live_server.url + url, VIEWS)
            problems += [f"{role}: {problem}" for problem in found]
            visited += checked
        context.close()
    return visited, [p for p in problems if not known_admin_widget(p)]
