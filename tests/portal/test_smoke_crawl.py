"""Smoke crawl: every demo account walks the portal from its home page, as a real user would.

The demo data of ``make run`` (``seed_demo``, 40 entities, with the 一业一证 catalogue, its
reviewers and demo application, and the 明厨亮灶 demo stores) is seeded once for the module,
inside a transaction that is rolled back when the module ends. Each demo account then signs
in and follows every same-site link it is shown, breadth first and GET only, and the test
asserts what any user would notice first:

* no page answers with a server error (5xx);
* every page has a ``<title>`` that starts with the page's own name and exactly one ``<h1>``
  (``base.html`` adds the portal's name to the title block, each page template has its one
  heading);
* a link a signed-in user is shown opens for them: no 403 or 404, no second login;
* nobody but the administrator is shown a link into the Django admin;
* an anonymous visitor never reads a staff page: it is sent to the login page, or not found;
* every licence status badge (``data-licence-ref``) says what ``licence_state`` says today.

Slow pages (over 300 ms) and query-heavy ones (over 30 queries) are printed, not asserted:
run with ``-s`` to see them.
"""

import re
import time
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import User
from tests.badges import badge_problems
from tests.conftest import KEY_PASSPHRASE
from tests.faults import private_redis, use_redis

#: Pages a role visits at most; a crawl that stops here is still a full smoke test.
MAX_PAGES = 150
#: Pages of one shape (``/licensing/entities/<n>/``) a role visits: the first few prove it.
PER_SHAPE = 5
SLOW_MS = 300
MANY_QUERIES = 30

ROLES = [
    "admin",
    "city",
    "clerk_xuhui",
    "officer_xuhui",
    "reviewer",
    "ent_legal",
    "ent_agent",
    "yyz_samr",
    "yyz_tobacco",
    "yyz_fire",
    "yyz_lead",
    "anonymous",
]

#: The public pages of the README's pages table: where an anonymous visitor may arrive.
PUBLIC_PAGES = [
    "/",
    "/login/",
    "/elicense/signatures/verify/",
    "/elicense/access/apply/",
    "/yiyeyizheng/",
    "/yiyeyizheng/progress/",
    "/mingchu/demo-stores/",
    "/api/v1/catalogue/formats",
    "/.well-known/elicense-keys.json",
]

#: Addresses an anonymous visitor may read (200). Everything else is somebody's desk.
PUBLIC_PREFIXES = (
    "/login/",
    "/password/reset/",  # 忘记密码
    "/help/",
    "/contact/",
    "/privacy/",
    "/accessibility/",
    "/favicon.ico",
    "/v/",
    "/b/",
    "/elicense/signatures/",
    "/elicense/entities/",  # an entity's public signature keys
    "/elicense/access/apply/",
    "/yiyeyizheng/formats/",
    "/yiyeyizheng/progress/",
    "/mingchu/demo-stores/",
    "/api/v1/catalogue/",
    "/api/v1/docs",  # the OpenAPI page of the verification API
    "/api/v1/openapi.json",
    "/.well-known/",
    "/static/",
    "/media/",
)
PUBLIC_EXACT = {"/", "/yiyeyizheng/"}

#: Staff desks of the README's pages table, tried directly by the anonymous visitor.
STAFF_PAGES = [
    "/licensing/entities/",
    "/licensing/entities/new/",
    "/licensing/my-entity/",
    "/licensing/suppliers/",
    "/licensing/bulk-checks/",
    "/elicense/mine/",
    "/elicense/scan/",
    "/elicense/sign/",
    "/elicense/authorisations/",
    "/mingchu/quotas/",
    "/mingchu/stores/",
    "/mingchu/stores/import/",
    "/mingchu/stores/export.xlsx",
    "/mingchu/reports/",
    "/mingchu/reports/2022/10/",
    "/mingchu/rollup/",
    "/mingchu/rollup/2022/10/",
    "/mingchu/rollup/2022/10/pdf/",
    "/mingchu/dashboard/",
    "/mingchu/dashboard/310104/",
    "/yiyeyizheng/applications/",
    "/yiyeyizheng/window/",
    "/yiyeyizheng/reviews/",
]

#: base.html titles a page "<the page's own title> · 上海市市场监督管理局 · 政务服务门户".
SITE_NAME = "上海市市场监督管理局 · 政务服务门户"
#: HTML that no house template renders (django-ninja's Swagger UI): not checked or followed.
THIRD_PARTY_PAGES = ("/api/",)


# --- the demo portal --------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_portal(django_db_setup, django_db_blocker, tmp_path_factory):
    """``seed_demo`` once for the module, as ``make run`` does, rolled back at the end.

    Certificates are signed on commit (a Celery task, eager here): the callbacks run as the
    seed ends, as they would after its transactions committed.
    """
    from config.celery import app

    media = tmp_path_factory.mktemp("crawl-media")
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    with (
        override_settings(
            MEDIA_ROOT=media,
            ELICENSE_KEY_PASSPHRASE=KEY_PASSPHRASE,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", "--entities=40", "--quiet", "--force")
        yield media
        transaction.set_rollback(True)
    app.conf.task_always_eager = eager


# --- the story --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_demo_account_can_walk_the_portal(demo_portal, settings, role):
    settings.MEDIA_ROOT = demo_portal  # where the seed kept the demo application's attachment
    client = Client(raise_request_exception=False)  # a server error is a finding, not a crash
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))

    result = crawl(client, role, starting_points(role))
    report(result)

    assert len(result.visits) > 5, f"{role} reached only {[v.url for v in result.visits]}"
    assert not result.problems, f"{role} tripped over:\n" + "\n".join(result.problems)
    if role in ("clerk_xuhui", "ent_legal", "city"):
        assert result.badges_checked, f"{role} was shown no licence status badge"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "clerk_xuhui", "ent_legal"])
def test_with_redis_killed_no_page_answers_a_server_error(demo_portal, settings, role):
    """The cache and rate limits on a private Redis that dies before the walk; the
    anonymous visitor also looks up the demo application's progress."""
    from yiyeyizheng.models import Application

    settings.MEDIA_ROOT = demo_portal
    client = Client(raise_request_exception=False)
    start = starting_points(role)
    if role == "anonymous":
        application = Application.objects.exclude(status="draft").order_by("pk").first()
        query = f"number={application.number}&code={application.verification_code}"
        start.append(f"{reverse('yiyeyizheng:progress')}?{query}")
    else:
        client.force_login(User.objects.get(username=role))
    with private_redis() as server:
        use_redis(settings, server.url)
        server.kill()

        result = crawl(client, role, start)

    assert len(result.visits) > 5
    errors = [problem for problem in result.problems if "server error" in problem]
    assert not errors, f"{role} without Redis:\n" + "\n".join(errors)


# --- reading a page ---------------------------------------------------------------------


class PageParser(HTMLParser):
    """The links, the title and the headings of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.titles: list[str] = []
        self.h1_count = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        elif tag == "title":
            self._in_title = True
            self.titles.append("")
        elif tag == "h1":
            self.h1_count += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data


def same_site(base: str, href: str) -> str | None:
    """The site-relative address ``href`` points to, or None when it leaves the portal."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    url, _fragment = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape(url: str) -> str:
    """``/licensing/entities/17/?page=2`` → ``/licensing/entities/<n>/?page``."""
    parts = urlsplit(url)
    path = re.sub(r"(?<=/)[^/]*\d[^/]*(?=/|$)", "<n>", parts.path)
    keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return path + ("?" + "&".join(keys) if keys else "")


def is_public(path: str) -> bool:
    return path in PUBLIC_EXACT or path.startswith(PUBLIC_PREFIXES)


# --- the crawl --------------------------------------------------------------------------


@dataclass
class Visit:
    url: str
    status: int
    ms: float
    queries: int
    location: str = ""
    content_type: str = ""


@dataclass
class Crawl:
    role: str
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    badges_checked: int = 0

    def problem(self, url: str, what: str) -> None:
        self.problems.append(f"{url}: {what}")


def crawl(client, role: str, start: list[str]) -> Crawl:
    """Breadth first from ``start``, following every same-site link, GET only."""
    result = Crawl(role)
    admin = role == "admin"
    logout = reverse("portal:logout")
    # Addresses with a query string (filters, sort orders, pages) wait until the plain ones
    # are done, so the page budget reaches every page before it varies any.
    queue, variants = deque(start), deque()
    linked_from: dict[str, str] = dict.fromkeys(start, "")  # "" for a starting point
    shapes: dict[str, int] = {}
    while (queue or variants) and len(result.visits) < MAX_PAGES:
        url = (queue or variants).popleft()
        key = shape(url)
        if shapes.get(key, 0) >= PER_SHAPE:
            continue
        shapes[key] = shapes.get(key, 0) + 1

        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        visit = Visit(url, response.status_code, (time.perf_counter() - began) * 1000, len(queries))
        visit.location = response.get("Location", "")
        visit.content_type = response.get("Content-Type", "")
        result.visits.append(visit)

        if response.status_code >= 500:
            result.problem(url, f"server error {response.status_code}")
            continue
        if role == "anonymous":
            check_anonymous(result, url, response)
        elif linked_from[url]:
            check_link_target(result, url, response, linked_from[url])
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site(url, visit.location)
            links = [target] if target else []
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            links = check_page(result, url, response, admin=admin)
        else:
            links = []

        for link in links:
            path = urlsplit(link).path
            if link in linked_from or path == logout:
                continue
            if path.startswith("/admin/") and not admin and path != "/admin/":
                continue  # the admin login page is as far as anyone else gets
            linked_from[link] = url
            (variants if "?" in link else queue).append(link)
    return result


def check_page(result: Crawl, url: str, response, *, admin: bool) -> list[str]:
    """A page promises a title and one heading; non-admins are shown no admin links."""
    parser = PageParser()
    parser.feed(response.content.decode(response.charset or "utf-8"))
    if url.startswith(THIRD_PARTY_PAGES):
        return []
    titles = [" ".join(title.split()) for title in parser.titles]
    if not any(titles):
        result.problem(url, "no <title>")
    elif SITE_NAME in titles[0] and not re.fullmatch(rf"\S.* · {SITE_NAME}", titles[0]):
        result.problem(url, f"the title does not start with the page's own name: {titles[0]}")
    if parser.h1_count != 1:
        result.problem(url, f"{parser.h1_count} <h1> (expected exactly one)")
    seen, problems = badge_problems(response.content.decode(response.charset or "utf-8"))
    result.badges_checked += seen
    for problem in problems:
        result.problem(url, problem)
    links = [target for href in parser.links if (target := same_site(url, href))]
    if not admin and not urlsplit(url).path.startswith("/admin/"):
        for link in links:
            if link.startswith("/admin/"):
                result.problem(url, f"links into the admin: {link}")
    return links


def check_link_target(result: Crawl, url: str, response, source: str) -> None:
    """A link a signed-in user is shown opens: no 4xx, no second login."""
    if 400 <= response.status_code < 500:
        result.problem(url, f"linked from {source}, answers {response.status_code}")
    elif response.status_code == 302 and not source.startswith("/admin/"):
        target = urlsplit(response["Location"]).path
        if target in (reverse("portal:login"), reverse("admin:login")):
            result.problem(url, f"linked from {source}, sends a signed-in user to {target}")


def check_anonymous(result: Crawl, url: str, response) -> None:
    path = urlsplit(url).path
    if response.status_code == 200 and not is_public(path):
        result.problem(url, "a staff page answered 200 to an anonymous visitor")
    if response.status_code in (301, 302) and not is_public(path):
        target = urlsplit(response["Location"]).path
        if target not in (reverse("portal:login"), reverse("admin:login")):
            result.problem(url, f"redirects an anonymous visitor to {target}, not to login")
    if response.status_code not in (200, 301, 302, 404) and not is_public(path):
        result.problem(url, f"answered {response.status_code} to an anonymous visitor")


def report(result: Crawl) -> None:
    """Print the slow and the query-heavy pages (``pytest -s``)."""
    total = sum(visit.ms for visit in result.visits)
    print(f"\n[{result.role}] {len(result.visits)} pages in {total / 1000:.1f} s")
    for visit in result.visits:
        notes = []
        if visit.ms > SLOW_MS:
            notes.append(f"{visit.ms:.0f} ms")
        if visit.queries > MANY_QUERIES:
            notes.append(f"{visit.queries} queries")
        if notes:
            print(f"  [{result.role}] {visit.url} ({visit.status}): {', '.join(notes)}")


def starting_points(role: str) -> list[str]:
    """A signed-in user starts at home; the anonymous visitor also tries the staff desks."""
    if role != "anonymous":
        return ["/"]
    return PUBLIC_PAGES + demo_public_pages() + STAFF_PAGES + demo_staff_pages()


def demo_public_pages() -> list[str]:
    """A holder's 亮照 page and a platform badge's link, as a customer would scan them."""
    from elicense.models import Badge, Certificate

    pages = []
    if certificate := Certificate.objects.filter(status="active").order_by("pk").first():
        pages.append(reverse("elicense:holder_page", args=[certificate.public_id]))
    if badge := Badge.objects.order_by("pk").first():
        pages.append(reverse("elicense:badge_link", args=[badge.public_id]))
    return pages


def demo_staff_pages() -> list[str]:
    """The seeded records' own pages, which only their desks may open."""
    from elicense.models import Certificate
    from licensing.models import MarketEntity
    from mingchu.models import DemoStore
    from yiyeyizheng.models import Application, ItemReview

    entity = MarketEntity.objects.order_by("pk").first()
    store = DemoStore.objects.order_by("pk").first()
    certificate = Certificate.objects.filter(status="active").order_by("pk").first()
    application = Application.objects.order_by("pk").first()
    review = ItemReview.objects.order_by("pk").first()
    attachment = application.attachments.order_by("pk").first()
    return [
        reverse("licensing:entity_detail", args=[entity.pk]),
        reverse("licensing:entity_change", args=[entity.pk]),
        reverse("mingchu:store_detail", args=[store.pk]),
        reverse("elicense:certificate_pdf", args=[certificate.public_id]),
        reverse("elicense:certificate_print", args=[certificate.public_id]),
        reverse("yiyeyizheng:application_detail", args=[application.number]),
        reverse("yiyeyizheng:attachment_download", args=[application.number, attachment.pk]),
        reverse("yiyeyizheng:review_detail", args=[review.pk]),
    ]
