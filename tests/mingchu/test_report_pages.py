"""The monthly report pages: a district files 附件3, the city reviews, returns and reads it."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingchu.models import MonthlyReport
from mingchu.queries.reports import SHANGHAI
from mingchu.services.reports import open_report, save_report, submit_report
from portal.models import District, Role
from tests.factories import (
    UserFactory,
    clerk,
    staged_demo_stores,
)

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "徐汇区市场监管局", "statistician": "李强", "phone": "021-64870000"}


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


@pytest.fixture
def city(reference_data):
    return UserFactory(role=Role.CITY_OFFICER)


@pytest.fixture
def in_september_2022(time_machine):
    time_machine.move_to(datetime.datetime(2022, 9, 20, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def stores(officer, xuhui_clerk, in_september_2022):
    """Three Xuhui demo stores, made on 20 September 2022: registry 选点 3, 视频安装 2,
    对接平台 1 (a report counts the stage history up to the month's end)."""
    staged_demo_stores(officer, xuhui_clerk)
    return officer


def _form(report, **changes):
    data = {
        **CONTACT,
        "stores_selected": report.stores_selected,
        "video_installed": report.video_installed,
        "platform_connected": report.platform_connected,
        "funds_wan": "12.50",
        "issues_and_suggestions": "部分门店网络条件不足。",
        "explanation": "",
        "version": report.version,
        "action": "save",
    }
    return {**data, **changes}


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_district_officer_opens_this_months_report_from_the_list(stores, in_september_2022, client):
    client.force_login(stores)
    response = client.post(reverse("mingchu:report_open"))

    report = MonthlyReport.objects.get()
    assert (report.year, report.month, report.stores_selected) == (2022, 9, 3)
    assert response.url == reverse("mingchu:report_edit", args=[report.pk])
    page = client.get(reverse("mingchu:report_list")).content.decode()
    assert "2022年9月" in page and "填报中" in page and "2022-09-30 23:59" in page


def test_a_past_month_can_be_opened_and_shows_as_overdue(stores, in_september_2022, client):
    client.force_login(stores)
    client.post(reverse("mingchu:report_open"), {"month": "2022-08"})

    assert MonthlyReport.objects.get().month == 8
    assert "已逾期未报" in client.get(reverse("mingchu:report_list")).content.decode()
    response = client.post(reverse("mingchu:report_open"), {"month": "八月"}, follow=True)
    assert "请按“年-月”填写" in response.content.decode()
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize("month", ["0001-01", "2022-10", "9999-12"])
def test_a_month_outside_the_reporting_range_opens_nothing(
    stores, in_september_2022, client, month
):
    client.force_login(stores)
    response = client.post(reverse("mingchu:report_open"), {"month": month}, follow=True)
    assert "不在可填报范围内" in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(("year", "month"), [(0, 1), (10000, 1), (2022, 13)])
def test_the_city_month_page_answers_404_for_impossible_periods(
    city, in_september_2022, client, year, month
):
    client.force_login(city)
    url = reverse("mingchu:report_month", args=[year, month])
    assert client.get(url).status_code == 404


def test_the_form_shows_registry_counts_and_asks_for_an_explanation(
    stores, in_september_2022, client
):
    report = open_report(acting_user=stores, year=2022, month=9)
    client.force_login(stores)
    url = reverse("mingchu:report_edit", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'data-registry="3"' in page and 'data-registry="2"' in page

    response = client.post(url, _form(report, stores_selected=4, action="submit"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "填报数量与示范店登记不一致，请说明原因。" in page
    report.refresh_from_db()
    assert report.status == "draft" and report.stores_selected == 4  # the draft was kept
    assert f'name="version" value="{report.version}"' in page

    response = client.post(
        url, _form(report, stores_selected=4, explanation="一家已签约待录入", action="submit")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and not report.is_late
    page = client.get(url).content.decode()
    assert "已锁定" in page and "2022年9月20日 10:00" in page and "按时上报" in page
    assert 'name="stores_selected"' not in page
    assert 'data-version="1"' in page and "一家已签约待录入" in page


def test_bad_numbers_are_refused_in_chinese_and_nothing_is_saved(stores, in_september_2022, client):
    report = open_report(acting_user=stores, year=2022, month=9)
    client.force_login(stores)
    response = client.post(
        reverse("mingchu:report_edit", args=[report.pk]),
        _form(report, video_installed="-1", funds_wan="很多"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "确保该值大于或等于0" in page and "输入一个数字" in page
    report.refresh_from_db()
    assert report.version == 1 and report.reporting_unit == ""


def test_a_stale_save_is_refused_and_overwrites_nothing(stores, in_september_2022):
    report = open_report(acting_user=stores, year=2022, month=9)
    colleague = UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104")
    )
    first, second = _logged_in(stores), _logged_in(colleague)
    url = reverse("mingchu:report_edit", args=[report.pk])
    first.get(url)
    second.get(url)  # both opened version 1

    assert second.post(url, _form(report, statistician="王芳")).status_code == 302
    response = first.post(url, _form(report, statistician="李强"))

    assert "已被他人修改" in response.content.decode()
    assert "请刷新后再编辑" in response.content.decode()
    report.refresh_from_db()
    assert (report.statistician, report.version) == ("王芳", 2)


def test_reports_of_another_district_answer_404(stores, in_september_2022, reference_data):
    report = open_report(acting_user=stores, year=2022, month=9)
    pudong = _logged_in(
        UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))
    )
    for name in ("mingchu:report_edit", "mingchu:report_detail", "mingchu:report_export"):
        assert pudong.get(reverse(name, args=[report.pk])).status_code == 404
    assert (
        pudong.post(reverse("mingchu:report_edit", args=[report.pk]), _form(report)).status_code
        == 404
    )
    assert pudong.get(reverse("mingchu:report_month", args=[2022, 9])).status_code == 404


def test_other_roles_see_no_report_pages(stores, in_september_2022, reference_data):
    report = open_report(acting_user=stores, year=2022, month=9)
    window = _logged_in(clerk("310104", username="clerk_reports"))
    for url in (
        reverse("mingchu:report_list"),
        reverse("mingchu:report_month", args=[2022, 9]),
        reverse("mingchu:report_detail", args=[report.pk]),
        reverse("mingchu:report_export", args=[report.pk]),
    ):
        assert window.get(url).status_code == 404
    assert window.post(reverse("mingchu:report_open")).status_code == 404
    city = _logged_in(UserFactory(role=Role.CITY_OFFICER))
    assert city.get(reverse("mingchu:report_edit", args=[report.pk])).status_code == 404


def _submitted(officer, **changes):
    report = open_report(acting_user=officer, year=2022, month=9)
    report = save_report(
        acting_user=officer, report=report, expected_version=report.version,
        **{**CONTACT, **changes},
    )  # fmt: skip
    return submit_report(acting_user=officer, report=report, expected_version=report.version)


def test_the_city_sees_every_district_for_the_month_with_differences_flagged(
    stores, city, in_september_2022, client
):
    _submitted(stores, platform_connected=2, explanation="另一家已对接饿了么，待登记")
    client.force_login(city)

    page = client.get(reverse("mingchu:report_month", args=[2022, 9])).content.decode()

    assert page.count("data-district=") == 16
    assert page.count('data-status="none"') == 15 and page.count('data-status="submitted"') == 1
    xuhui = page[page.index('data-district="310104"') :].split("</tr>")[0]
    assert "按时上报" in xuhui and "2022-09-20 10:00" in xuhui
    assert "示范店视频对接第三方平台数量（户）：登记 1，填报 2" in xuhui
    assert "另一家已对接饿了么，待登记" in xuhui


def test_the_city_returns_a_report_with_a_reason_and_the_district_sees_it(
    stores, city, in_september_2022, client
):
    report = _submitted(stores)
    client.force_login(city)
    url = reverse("mingchu:report_detail", args=[report.pk])

    response = client.post(url, {"reason": "  "})
    assert "退回须填写原因。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"

    assert client.post(url, {"reason": "资金数额与区财政批复不符"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"

    district = _logged_in(stores)
    page = district.get(reverse("mingchu:report_edit", args=[report.pk])).content.decode()
    assert "市局已退回修改：资金数额与区财政批复不符" in page and 'name="funds_wan"' in page
    assert (
        "资金数额与区财政批复不符" in district.get(reverse("mingchu:report_list")).content.decode()
    )


def test_a_district_officer_cannot_return_its_own_report(stores, in_september_2022, client):
    report = _submitted(stores)
    client.force_login(stores)
    response = client.post(reverse("mingchu:report_detail", args=[report.pk]), {"reason": "自退"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


def _officers(codes):
    return [
        UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code=code))
        for code in codes
    ]


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_run_a_constant_number_of_queries(
    stores, city, in_september_2022, reference_data, django_assert_num_queries
):
    codes = list(District.objects.exclude(code="310104").values_list("code", flat=True))
    month_url = reverse("mingchu:report_month", args=[2022, 9])
    months_url = reverse("mingchu:report_list")
    city_client, district_client = _logged_in(city), _logged_in(stores)
    _submitted(stores)
    few = {url: _count_queries(city_client, url) for url in (month_url, months_url)}
    mine = _count_queries(district_client, months_url)

    for officer in _officers(codes[:7]):
        _submitted(officer)
    for month in (6, 7, 8):
        open_report(acting_user=stores, year=2022, month=month)
        open_report(acting_user=_officers(codes[8:9])[0], year=2022, month=month)

    for url, count in few.items():
        with django_assert_num_queries(count):
            city_client.get(url)
    with django_assert_num_queries(mine):
        district_client.get(months_url)
