"""The crawl in Chromium (``tests/e2e/crawl_axe.py``) as the administrator and the
reviewers: the portal's reviewer and the 一业一证 departments' reviewers and lead."""

import pytest

from tests.e2e.crawl_axe import ADMIN_AND_REVIEWERS, EVERYONE_ELSE, walk
from tests.portal.test_smoke_crawl import ROLES


def test_the_two_crawls_walk_every_demo_account_once():
    assert sorted(ADMIN_AND_REVIEWERS + EVERYONE_ELSE) == sorted(ROLES)


@pytest.mark.e2e
def test_every_page_the_admin_and_reviewers_reach_passes_axe(browser, live_server, demo_portal):
    visited, problems = walk(browser, live_server, ADMIN_AND_REVIEWERS)
    assert visited > 150
    assert not problems, "\n".join(problems)
