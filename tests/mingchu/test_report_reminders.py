"""Reminders before the 30th (催报) and the deadline's edges for late submission."""

import datetime

import pytest
from django.urls import reverse

from mingchu.models import ReportReminder
from mingchu.queries.reports import SHANGHAI
from mingchu.services.reports import (
    open_report,
    return_report,
    save_report,
    send_report_reminders,
    submit_report,
)
from mingchu.tasks import remind_unsubmitted_reports
from portal.models import AuditEvent, District, Notification, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "区市场监管局", "statistician": "李强", "phone": "021-64870000"}


def _officer(code, **kwargs):
    return UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code=code), **kwargs
    )


@pytest.fixture
def xuhui(reference_data):
    return _officer("310104", email="xuhui.report@example.gov.cn")


@pytest.fixture
def pudong(reference_data):
    return _officer("310115", email="pudong.report@example.gov.cn")


def _at(time_machine, *args):
    time_machine.move_to(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


def _submit(officer, year, month):
    report = open_report(acting_user=officer, year=year, month=month)
    report = save_report(acting_user=officer, report=report, expected_version=1, **CONTACT)
    return submit_report(acting_user=officer, report=report, expected_version=2)


def test_three_days_before_the_30th_every_unsubmitted_district_is_reminded(
    xuhui, pudong, time_machine, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    _at(time_machine, 2022, 11, 20, 9, 0)
    _submit(pudong, 2022, 11)
    _officer("310104", username="xuhui_no_mail")  # a colleague without an address

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_report_reminders(today=datetime.date(2022, 11, 27))

    assert len(sent) == 15 and "310115" not in {r.district_id for r in sent}
    notices = Notification.objects.filter(recipient__district_id="310104")
    assert notices.count() == 2
    assert (
        notices.first().message
        == "2022年11月明厨亮灶月度报表（附件3）尚未上报，请于11月30日 23:59 前上报。"
    )
    assert not Notification.objects.filter(recipient=pudong).exists()
    assert [mail.to for mail in mailoutbox] == [["xuhui.report@example.gov.cn"]]
    assert "2022年11月30日 23:59" in mailoutbox[0].body
    assert "/mingchu/reports/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="report.reminded").count() == 15


def test_a_district_is_reminded_once_a_month_however_often_the_job_runs(
    xuhui, time_machine, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_report_reminders(today=datetime.date(2022, 11, 27))
        second = send_report_reminders(today=datetime.date(2022, 11, 28))
        on_the_day = send_report_reminders(today=datetime.date(2022, 11, 30))

    assert (len(first), second, on_the_day) == (16, [], [])
    assert Notification.objects.filter(recipient=xuhui).count() == 1
    assert len(mailoutbox) == 1
    assert ReportReminder.objects.filter(year=2022, month=11).count() == 16


def test_a_returned_report_is_not_submitted_and_gets_reminded(xuhui, time_machine):
    _at(time_machine, 2022, 11, 20, 9, 0)
    report = _submit(xuhui, 2022, 11)
    return_report(acting_user=UserFactory(role=Role.CITY_OFFICER), report=report, reason="补充说明")

    sent = send_report_reminders(today=datetime.date(2022, 11, 28))

    assert "310104" in {r.district_id for r in sent}


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2022, 11, 26),  # four days before
        datetime.date(2022, 12, 1),  # November is over, December's 30th is far
        datetime.date(2022, 2, 24),
        datetime.date(2024, 2, 25),
    ],
)
def test_outside_the_window_nobody_is_reminded(xuhui, today):
    assert send_report_reminders(today=today) == []
    assert not ReportReminder.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    ("today", "due"),
    [(datetime.date(2022, 2, 25), "2月28日"), (datetime.date(2024, 2, 26), "2月29日")],
)
def test_february_is_due_on_its_last_day(xuhui, today, due):
    send_report_reminders(today=today)
    assert due in Notification.objects.get(recipient=xuhui).message


def test_the_window_follows_the_setting(xuhui, settings):
    settings.MINGCHU_REMINDER_DAYS = 1
    assert send_report_reminders(today=datetime.date(2022, 11, 28)) == []
    assert len(send_report_reminders(today=datetime.date(2022, 11, 29))) == 16


def test_the_daily_task_reminds_for_the_current_month(
    xuhui, time_machine, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    _at(time_machine, 2022, 9, 27, 9, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_unsubmitted_reports.delay().get() == 16
    assert ReportReminder.objects.filter(year=2022, month=9).count() == 16
    assert len(mailoutbox) == 1


def test_the_officer_sees_the_reminder_on_the_home_page(xuhui, client):
    send_report_reminders(today=datetime.date(2022, 11, 27))
    client.force_login(xuhui)

    page = client.get(reverse("portal:home")).content.decode()
    assert "2022年11月明厨亮灶月度报表（附件3）尚未上报" in page
    assert f'href="{reverse("mingchu:report_list")}"' in page

    client.post(reverse("portal:notifications_read"))
    assert "尚未上报" not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize(
    ("year", "month", "last_moment", "first_late_moment"),
    [
        (2022, 11, (2022, 11, 30, 23, 59, 59), (2022, 12, 1, 0, 0, 0)),
        (2022, 2, (2022, 2, 28, 23, 59, 59), (2022, 3, 1, 0, 0, 0)),
        (2024, 2, (2024, 2, 29, 23, 59, 59), (2024, 3, 1, 0, 0, 0)),
    ],
)
def test_submitted_at_the_last_second_is_on_time_and_a_second_later_late(
    reference_data, time_machine, year, month, last_moment, first_late_moment
):
    _at(time_machine, *last_moment)
    on_time = _submit(_officer("310104"), year, month)
    _at(time_machine, *first_late_moment)
    late = _submit(_officer("310115"), year, month)

    assert (on_time.is_late, late.is_late) == (False, True)
