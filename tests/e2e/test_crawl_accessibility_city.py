"""The crawl in Chromium (``tests/e2e/crawl_axe.py``) as the city's own staff: the
administrator, the city, a district's window clerk and officer, and a reviewer."""

import pytest

from tests.e2e.crawl_axe import CITY_STAFF, EVERYONE_ELSE, walk
from tests.portal.test_smoke_crawl import ROLES


def test_the_two_crawls_walk_every_demo_account_once():
    assert sorted(CITY_STAFF + EVERYONE_ELSE) == sorted(ROLES)


@pytest.mark.e2e
def test_every_page_the_city_staff_reach_passes_axe(browser, live_server, demo_portal):
    visited, problems = walk(browser, live_server, CITY_STAFF)
    assert visited > 150
    assert not problems, "\n".join(problems)
