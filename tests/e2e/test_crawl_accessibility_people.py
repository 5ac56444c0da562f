"""The crawl in Chromium (``tests/e2e/crawl_axe.py``) as everyone else: an enterprise's
legal representative and agent, the 一业一证 departments and the public."""

import pytest

from tests.e2e.crawl_axe import EVERYONE_ELSE, walk


@pytest.mark.e2e
def test_every_page_the_people_reach_passes_axe(browser, live_server, demo_portal):
    visited, problems = walk(browser, live_server, EVERYONE_ELSE)
    assert visited > 150
    assert not problems, "\n".join(problems)
