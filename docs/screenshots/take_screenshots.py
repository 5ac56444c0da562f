"""Screenshots of each demo role's main page at desktop (1366×768) and phone (390×844) width,
written next to this script and linked from the README.

Run it against a portal that serves the demo data (``make run`` in another terminal)::

    .venv/bin/python docs/screenshots/take_screenshots.py [http://127.0.0.1:8000]

It signs in through the login page with the documented demo password and drives Debian's
Chromium (``CHROMIUM_PATH`` to use another); nothing is downloaded.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - the documented demo password (README)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FOLDER = Path(__file__).resolve().parent
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
#: (file name, demo account or None for the public, the role's main page)
PAGES = [
    ("public", None, "/"),
    ("enterprise", "ent_legal", "/elicense/mine/"),
    ("clerk", "clerk_xuhui", "/"),
    ("district-officer", "officer_xuhui", "/mingchu/stores/"),
    ("city-officer", "city", "/mingchu/dashboard/"),
    ("reviewer", "yyz_tobacco", "/yiyeyizheng/reviews/"),
    ("admin", "admin", "/"),
]


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for name, username, path in PAGES:
            for width, viewport in VIEWPORTS.items():
                context = browser.new_context(locale="zh-CN", viewport=viewport)
                page = context.new_page()
                if username:
                    page.goto(f"{base}/login/")
                    page.get_by_label("用户名").fill(username)
                    page.get_by_label("密码").fill(DEMO_PASSWORD)
                    page.get_by_role("button", name="登录", exact=True).click()
                    page.wait_for_url(f"{base}/")
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                target = FOLDER / f"{name}-{width}.png"
                page.screenshot(path=str(target))
                print(target.relative_to(FOLDER.parents[1]))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
