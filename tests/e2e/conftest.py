import os
import shutil

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
    from playwright.sync_api import sync_playwright

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
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
