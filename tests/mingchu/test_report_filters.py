"""The city's month page of district reports is searched by district and filtered by state."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingchu.queries.reports import SHANGHAI
from mingchu.services.reports import open_report
from portal.models import District, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_month_page_is_filtered_by_district_and_state(client, reference_data, time_machine):
    time_machine.move_to(datetime.datetime(2022, 9, 20, 10, 0, tzinfo=SHANGHAI), tick=False)
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    open_report(acting_user=officer, year=2022, month=9)
    client.force_login(UserFactory(role=Role.CITY_OFFICER))
    url = reverse("mingchu:report_month", args=[2022, 9])

    with CaptureQueriesContext(connection) as whole:
        rows = client.get(url).context["rows"]
    assert len(rows) == 16
    with CaptureQueriesContext(connection) as filtered:
        drafts = client.get(url, {"status": "draft"}).context["rows"]
    assert [r["district"].name for r in drafts] == ["徐汇区"]
    assert len(filtered) == len(whole)

    missing = client.get(url, {"status": "missing"}).context["rows"]
    assert len(missing) == 15 and "徐汇区" not in [r["district"].name for r in missing]
    assert [r["district"].name for r in client.get(url, {"q": "浦东"}).context["rows"]] == [
        "浦东新区"
    ]
    page = client.get(url, {"q": "浦东"}).content.decode()
    assert "已上报 0 / 16 个区" in page
