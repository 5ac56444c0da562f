import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """One browser per test: Playwright's loop must not outlive the test that used it."""
    require(bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)), f"needs {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # for set-up and assertions are still synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: on a loaded 2-core CI machine a page can take
    # more than Playwright's default 5 s to settle.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # While Playwright's loop runs in this thread, Django keeps the test's connection in
        # async (context-variable) storage, which the test-database teardown never sees:
        # close it here, before the loop stops.
        connections.close_all()


@pytest.fixture
def demo_portal(transactional_db, eager_tasks):
    """The demo data of ``make run`` (``seed_demo``), committed for the live server."""
    from django.core.management import call_command

    call_command("seed_demo", "--entities=40", "--quiet", "--force")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, keep what each open page showed: its address and text in
    the report, and a screenshot under var/e2e-failures/."""
    outcome = yield
    report = outcome.get_result()
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or browser is None:
        return
    folder = Path(__file__).resolve().parents[2] / "var" / "e2e-failures"
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(p for c in browser.contexts for p in c.pages):
        shot = folder / f"{item.name}-{number}.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            text = page.inner_text("body")[:1500]
        except Exception as error:  # noqa: BLE001 - a closed page must not hide the failure
            text = f"(page not readable: {error})"
        report.sections.append((f"page {number}: {page.url}", f"{shot}\n{text}"))
