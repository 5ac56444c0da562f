"""Dashboards, roll-ups, exports and the public store list read from the replica when one
is configured (ADR 0026); a browser that just posted reads from the primary. The test's
replica is a second connection that cannot see the test's uncommitted rows, so a page
that shows them read the primary, and one that does not read the replica."""

import datetime

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingchu.queries.reports import SHANGHAI
from portal.queries.replica import PIN_COOKIE
from tests.mingchu.rollup_data import HUANGPU, XUHUI, demo_stores

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(quotas, time_machine):
    time_machine.move_to(datetime.datetime(2022, 9, 20, 10, tzinfo=SHANGHAI), tick=False)
    demo_stores(XUHUI, [0, 2, 3])
    demo_stores(HUANGPU, [3])


def test_the_city_dashboard_reads_the_replica_until_the_browser_posts(
    client, registry, city, replica
):
    client.force_login(city)  # the session is read from the primary all the same
    url = reverse("mingchu:city_dashboard")

    with CaptureQueriesContext(replica) as on_replica:
        lagging = client.get(url, {"year": 2022})
    assert lagging.status_code == 200 and len(on_replica) > 0
    assert lagging.context["totals"].completed == 0  # the replica has not the stores

    posted = client.post("/no-such-form/")  # any post: this browser may have written
    assert posted.cookies[PIN_COOKIE]["max-age"] == 10

    with CaptureQueriesContext(replica) as on_replica:
        pinned = client.get(url, {"year": 2022})
    assert pinned.context["totals"].completed == 2 and len(on_replica) == 0


def test_the_public_store_list_reads_the_replica(client, registry, replica):
    url = reverse("mingchu:public_store_list")
    assert client.get(url, {"year": 2022}).context["page"].paginator.count == 0
    client.cookies[PIN_COOKIE] = "1"
    assert client.get(url, {"year": 2022}).context["page"].paginator.count == 4


def test_without_a_replica_the_dashboard_reads_the_primary(client, registry, city):
    client.force_login(city)
    response = client.get(reverse("mingchu:city_dashboard"), {"year": 2022})
    assert response.context["totals"].completed == 2
    assert PIN_COOKIE not in client.post("/no-such-form/").cookies
