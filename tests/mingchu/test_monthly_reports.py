"""Monthly district reports (附件3): pre-filled, explained differences, deadline, locking."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mingchu.models import ReportVersion
from mingchu.queries.reports import SHANGHAI, due_at
from mingchu.services.reports import (
    open_report,
    return_report,
    save_and_submit_report,
    save_report,
    submit_report,
)
from portal.models import AuditEvent, District, Role
from tests.factories import UserFactory, staged_demo_stores

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "徐汇区市场监管局", "statistician": "李强", "phone": "021-64870000"}


@pytest.mark.parametrize(
    ("year", "month", "day"), [(2022, 6, 30), (2022, 2, 28), (2024, 2, 29), (2022, 7, 30)]
)
def test_due_by_the_30th_or_the_last_day_of_february(year, month, day):
    assert due_at(year, month) == datetime.datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


def _at(time_machine, *args):
    time_machine.move_to(datetime.datetime(*args, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def with_stores(officer, xuhui_clerk, time_machine):
    """Three Xuhui stores made on 15 September 2022: 选点 3, 视频安装 2, 对接平台 1."""
    _at(time_machine, 2022, 9, 15, 10, 0)
    staged_demo_stores(officer, xuhui_clerk)
    return officer


def test_report_is_prefilled_from_the_registry(with_stores):
    report = open_report(acting_user=with_stores, year=2022, month=9)
    assert (report.stores_selected, report.video_installed, report.platform_connected) == (3, 2, 1)


def test_a_different_figure_needs_an_explanation_and_stays_flagged(with_stores, time_machine):
    _at(time_machine, 2022, 9, 20, 10, 0)
    report = open_report(acting_user=with_stores, year=2022, month=9)
    report = save_report(
        acting_user=with_stores, report=report, expected_version=report.version,
        stores_selected=4, **CONTACT,
    )  # fmt: skip

    with pytest.raises(ValidationError) as caught:
        submit_report(acting_user=with_stores, report=report, expected_version=report.version)
    assert "不一致" in caught.value.message_dict["explanation"][0]

    report = save_report(
        acting_user=with_stores, report=report, expected_version=report.version,
        explanation="一家已签约，尚未录入许可证",
    )  # fmt: skip
    report = submit_report(acting_user=with_stores, report=report, expected_version=report.version)
    assert report.status == "submitted" and not report.is_late
    assert report.differences() == {"stores_selected": [3, 4]}


def test_a_report_after_2359_on_the_30th_is_late(with_stores, time_machine):
    _at(time_machine, 2022, 9, 30, 23, 59, 58)
    on_time = open_report(acting_user=with_stores, year=2022, month=9)
    on_time = save_report(acting_user=with_stores, report=on_time, expected_version=1, **CONTACT)
    on_time = submit_report(acting_user=with_stores, report=on_time, expected_version=2)

    _at(time_machine, 2022, 11, 1, 0, 0, 1)
    late = open_report(acting_user=with_stores, year=2022, month=10)
    late = save_report(acting_user=with_stores, report=late, expected_version=1, **CONTACT)
    late = submit_report(acting_user=with_stores, report=late, expected_version=2)

    assert (on_time.is_late, late.is_late) == (False, True)


def test_submitted_reports_are_locked_until_the_city_returns_them(with_stores):
    report = open_report(acting_user=with_stores, year=2022, month=9)
    report = save_report(acting_user=with_stores, report=report, expected_version=1, **CONTACT)
    report = submit_report(acting_user=with_stores, report=report, expected_version=2)

    with pytest.raises(ValidationError, match="已锁定"):
        save_report(acting_user=with_stores, report=report, expected_version=3, phone="1")
    with pytest.raises(PermissionDenied):
        return_report(acting_user=with_stores, report=report, reason="自己退回")

    city = UserFactory(role=Role.CITY_OFFICER)
    report = return_report(acting_user=city, report=report, reason="资金数额有误")
    report = save_report(
        acting_user=with_stores, report=report, expected_version=report.version, funds_wan=12.5
    )
    report = submit_report(acting_user=with_stores, report=report, expected_version=report.version)

    versions = list(ReportVersion.objects.filter(report=report).values_list("number", flat=True))
    assert versions == [1, 2] and report.returned_reason == "资金数额有误"
    assert AuditEvent.objects.filter(action="report.returned", actor=city).exists()


def test_two_editors_cannot_silently_overwrite_each_other(with_stores):
    report = open_report(acting_user=with_stores, year=2022, month=9)
    colleague = UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104")
    )
    save_report(acting_user=colleague, report=report, expected_version=1, statistician="王芳")

    with pytest.raises(ValidationError, match="已被他人修改"):
        save_report(acting_user=with_stores, report=report, expected_version=1, statistician="李强")
    report.refresh_from_db()
    assert report.statistician == "王芳"


def test_another_districts_officer_cannot_edit(with_stores, reference_data):
    report = open_report(acting_user=with_stores, year=2022, month=9)
    pudong = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))
    with pytest.raises(PermissionDenied):
        save_report(acting_user=pudong, report=report, expected_version=1, phone="1")


def test_the_late_rule_is_one_method_the_deadline_second_by_second(with_stores, time_machine):
    _at(time_machine, 2022, 9, 20, 10, 0)
    report = open_report(acting_user=with_stores, year=2022, month=9)
    deadline = datetime.datetime(2022, 9, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert report.due_at == deadline == due_at(2022, 9)
    assert not report.late_at(deadline) and not report.overdue_at(deadline)
    after = deadline + datetime.timedelta(seconds=1)
    assert report.late_at(after) and report.overdue_at(after)


def test_save_and_submit_is_one_service_that_keeps_the_draft_when_refused(
    with_stores, time_machine
):
    _at(time_machine, 2022, 9, 20, 10, 0)
    report = open_report(acting_user=with_stores, year=2022, month=9)

    refused = save_and_submit_report(
        acting_user=with_stores, report=report, expected_version=report.version,
        stores_selected=4, **CONTACT,
    )  # fmt: skip
    assert "不一致" in refused.refusal.message_dict["explanation"][0]
    assert (refused.report.status, refused.report.stores_selected) == ("draft", 4)
    assert not ReportVersion.objects.filter(report=report).exists()

    done = save_and_submit_report(
        acting_user=with_stores, report=report, expected_version=refused.report.version,
        explanation="一家已签约待录入",
    )  # fmt: skip
    assert done.refusal is None and done.report.status == "submitted" and not done.report.is_late
    actions = list(
        AuditEvent.objects.filter(object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["report.opened", "report.saved", "report.saved", "report.submitted"]
