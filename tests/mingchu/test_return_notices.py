"""A returned report reaches the district at once: each of its officers gets a notice with
the city's reason and a link to the report, and only that district's officers."""

import datetime

import pytest

from mingchu.queries.reports import SHANGHAI
from mingchu.services.reports import open_report, return_report, save_report, submit_report
from portal.models import District, Notification, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "区市场监管局", "statistician": "李强", "phone": "021-64870000"}


def test_the_district_officers_are_notified_when_a_report_is_returned(reference_data, time_machine):
    time_machine.move_to(datetime.datetime(2022, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=False)
    xuhui = District.objects.get(code="310104")
    officers = [UserFactory(role=Role.DISTRICT_OFFICER, district=xuhui) for _ in range(2)]
    elsewhere = UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115")
    )
    report = open_report(acting_user=officers[0], year=2022, month=11)
    report = save_report(
        acting_user=officers[0], report=report, expected_version=report.version, **CONTACT
    )
    report = submit_report(acting_user=officers[0], report=report, expected_version=report.version)
    assert not Notification.objects.exists()

    return_report(acting_user=UserFactory(role=Role.CITY_OFFICER), report=report, reason="资金有误")

    notices = Notification.objects.filter(recipient__in=officers)
    assert notices.count() == 2
    assert all("2022年11月" in n.message and "资金有误" in n.message for n in notices)
    assert all(n.link.endswith(f"/reports/{report.pk}/") for n in notices)
    assert not Notification.objects.filter(recipient=elsewhere).exists()
