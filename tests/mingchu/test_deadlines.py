"""实施方案 四（二）2: "原则上，入网餐饮服务经营者应于9月30日前完成视频监控安装和平台对接上线".

A deadline per project year (9月30日 unless a city officer sets another, audited); a store
expected after it is accepted with a warning; stores not live by then are flagged 逾期未上线
on the store list, the dashboards and the monthly report, all asking
``DemoStoreQuerySet.overdue_condition``.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mingchu.models import DemoStore, ProjectDeadline
from mingchu.queries.reports import SHANGHAI
from mingchu.queries.rollups import registry_rows
from mingchu.services import open_report, register_demo_store, set_project_deadline
from portal.models import AuditEvent, District, Role
from tests.double_submit import form_token
from tests.factories import UserFactory, advance_store, issue_food, register

pytestmark = pytest.mark.django_db

WORDING = "原则上，入网餐饮服务经营者应于9月30日前完成视频监控安装和平台对接上线"


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


def _at(time_machine, *day):
    time_machine.move_to(datetime.datetime(*day, 10, 0, tzinfo=SHANGHAI), tick=False)


def _store(officer, clerk_user, name, expected):
    licence = issue_food(clerk_user, register(clerk_user, name=name))
    return register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=expected,
    )  # fmt: skip


def test_the_default_deadline_is_30_september_of_the_year():
    assert ProjectDeadline.objects.for_year(2022) == datetime.date(2022, 9, 30)
    assert ProjectDeadline.objects.for_year(2023) == datetime.date(2023, 9, 30)


def test_a_store_expected_after_the_deadline_is_accepted_with_the_plans_warning(
    client, officer, xuhui_clerk, quotas, time_machine
):
    _at(time_machine, 2022, 9, 20)
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海十一月餐饮有限公司"))
    client.force_login(officer)
    url = reverse("mingchu:store_list")

    response = client.post(
        url,
        {
            "food_licence_number": licence.number,
            "location_type": "other",
            "expected_completion": "2022-11",
            "on_delivery_platform": "no",
            "form_token": form_token(client, url),
        },  # fmt: skip
        follow=True,
    )

    store = DemoStore.objects.get()
    page = response.content.decode()
    assert "晚于对接上线期限（2022年09月30日）" in page and WORDING in page
    assert AuditEvent.objects.get(action="demo_store.registered").changes["after_deadline"]
    _store(officer, xuhui_clerk, "上海九月餐饮有限公司", datetime.date(2022, 9, 1))
    in_time = AuditEvent.objects.filter(action="demo_store.registered").order_by("pk").last()
    assert in_time.changes["after_deadline"] is False and store.expected_completion.month == 11


def test_overdue_is_flagged_on_the_list_the_dashboards_and_the_monthly_report(
    client, officer, xuhui_clerk, quotas, time_machine
):
    _at(time_machine, 2022, 9, 20)
    late = _store(officer, xuhui_clerk, "上海迟到餐饮有限公司", datetime.date(2022, 11, 1))
    live = advance_store(
        officer, _store(officer, xuhui_clerk, "上海准时餐饮有限公司", datetime.date(2022, 9, 1)), 3
    )
    client.force_login(officer)
    before = client.get(reverse("mingchu:store_list")).content.decode()
    assert "逾期未上线</span>" not in before  # the deadline has not passed yet
    assert WORDING in before

    _at(time_machine, 2022, 10, 5)
    client.force_login(officer)  # a new day's session
    page = client.get(reverse("mingchu:store_list")).content.decode()
    late_row = page[page.index(f'data-store="{late.food_licence_number}"') :].split("</tr>")[0]
    live_row = page[page.index(f'data-store="{live.food_licence_number}"') :].split("</tr>")[0]
    assert "data-overdue" in late_row and "逾期未上线" in late_row
    assert "data-overdue" not in live_row and "逾期未上线" not in live_row

    [row] = registry_rows(year=2022, district_id="310104")
    assert row.overdue == 1
    dashboard = client.get(reverse("mingchu:district_dashboard", args=["310104"])).content.decode()
    assert 'data-overdue="1"' in dashboard
    city = UserFactory(role=Role.CITY_OFFICER)
    client.force_login(city)
    city_page = client.get(reverse("mingchu:city_dashboard")).content.decode()
    assert 'data-area-district="310104"' in city_page and 'data-overdue="1"' in city_page
    assert "原则上，入网餐饮服务经营者应于9月30日前完成视频监控安装和平台对接上线" in city_page

    september = open_report(acting_user=officer, year=2022, month=9)
    october = open_report(acting_user=officer, year=2022, month=10)
    client.force_login(officer)
    sept_page = client.get(reverse("mingchu:report_edit", args=[september.pk])).content.decode()
    oct_page = client.get(reverse("mingchu:report_edit", args=[october.pk])).content.decode()
    assert 'data-overdue="0"' in sept_page  # at 30 September's end nobody was late yet
    assert 'data-overdue="1"' in oct_page and "逾期未上线示范店（月末）：1 家" in oct_page
    client.force_login(city)
    month = client.get(reverse("mingchu:report_month", args=[2022, 10])).content.decode()
    xuhui = month[month.index('data-district="310104"') :].split("</tr>")[0]
    assert 'data-overdue="1"' in xuhui


def test_a_city_officer_sets_another_deadline_audited_and_every_surface_follows(
    client, officer, xuhui_clerk, quotas, time_machine
):
    _at(time_machine, 2022, 10, 5)
    _store(officer, xuhui_clerk, "上海延期餐饮有限公司", datetime.date(2022, 10, 1))
    city = UserFactory(role=Role.CITY_OFFICER)
    assert registry_rows(year=2022, district_id="310104")[0].overdue == 1
    client.force_login(city)

    response = client.post(
        reverse("mingchu:deadline_set"), {"year": 2022, "due_on": "2022-10-31"}, follow=True
    )

    assert "2022年对接上线期限为2022年10月31日" in response.content.decode()
    assert ProjectDeadline.objects.for_year(2022) == datetime.date(2022, 10, 31)
    event = AuditEvent.objects.get(action="deadline.set")
    assert event.actor == city and event.changes == {"due_on": ["2022-09-30", "2022-10-31"]}
    assert registry_rows(year=2022, district_id="310104")[0].overdue == 0
    quota_page = client.get(reverse("mingchu:quota_list")).content.decode()
    assert "应于10月31日前完成视频监控安装和平台对接上线" in quota_page


def test_only_a_city_officer_sets_a_deadline_and_only_within_its_year(client, officer, quotas):
    with pytest.raises(PermissionDenied):
        set_project_deadline(acting_user=officer, year=2022, due_on=datetime.date(2022, 10, 31))
    client.force_login(officer)
    assert client.post(reverse("mingchu:deadline_set"), {"year": 2022}).status_code == 404
    city = UserFactory(role=Role.CITY_OFFICER)
    with pytest.raises(ValidationError) as caught:
        set_project_deadline(acting_user=city, year=2022, due_on=datetime.date(2023, 1, 31))
    assert "期限须在2022年内" in str(caught.value)
    assert (
        not ProjectDeadline.objects.exists()
        and not AuditEvent.objects.filter(action="deadline.set").exists()
    )


def test_an_imported_table_with_stores_expected_after_the_deadline_warns(
    client, officer, xuhui_clerk, quotas
):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海导入十一月餐饮有限公司"))
    table = (
        "序号,单位名称,地址,许可证号,建设进度,预计完成时间\r\n"
        f"1,{licence.operator_name},{licence.premises_address},{licence.number},前期准备,2022-11\r\n"
    ).encode()
    client.force_login(officer)

    response = client.post(
        reverse("mingchu:store_import"),
        {"file": SimpleUploadedFile("附件4.csv", table)},
        follow=True,
    )

    page = response.content.decode()
    assert "已导入 1 行：新登记 1 家" in page
    assert "本区有 1 家示范店预计完成时间晚于对接上线期限（2022年09月30日）" in page
    assert WORDING in page
