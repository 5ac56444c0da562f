"""The monthly report as an .xlsx in the 附件3 layout, read back with openpyxl."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mingchu.queries.reports import SHANGHAI
from mingchu.services.reports import open_report, save_report, submit_report
from portal.models import District, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(reference_data, time_machine):
    time_machine.move_to(datetime.datetime(2022, 9, 28, 16, 30, tzinfo=SHANGHAI), tick=False)
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    report = open_report(acting_user=officer, year=2022, month=9)
    report = save_report(
        acting_user=officer, report=report, expected_version=1,
        reporting_unit="徐汇区市场监督管理局", statistician="李强", phone="021-64870000",
        stores_selected=0, funds_wan="35.50",
        issues_and_suggestions="=HYPERLINK(\"http://x\")部分门店网络带宽不足",
    )  # fmt: skip
    return submit_report(acting_user=officer, report=report, expected_version=2)


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def test_the_export_follows_attachment_3(submitted, client):
    client.force_login(UserFactory(role=Role.CITY_OFFICER))

    response = client.get(reverse("mingchu:report_export", args=[submitted.pk]))

    assert "attachment" in response["Content-Disposition"]
    sheet = _sheet(response)
    rows = [tuple(cell.value for cell in row[:2]) for row in sheet.iter_rows()]
    assert rows[0][0] == "各区2022年为民办实事项目进度报表"
    assert rows[1][0] == "上报单位：徐汇区市场监督管理局"
    assert rows[2] == ("统 计 员：李强", "电话：021-64870000　　上报日期：2022年9月28日")
    assert rows[3:] == [
        ("示范店选点完成数量（户）", 0),
        ("示范店视频安装完成数量（户）", 0),
        ("示范店视频对接第三方平台数量（户）", 0),
        ("区级配套资金投入情况（万元）", 35.5),
        ("存在的问题和建议", '\'=HYPERLINK("http://x")部分门店网络带宽不足'),
    ]


def test_the_district_exports_its_own_report_and_no_other(submitted, client):
    colleague = UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104")
    )
    client.force_login(colleague)
    sheet = _sheet(client.get(reverse("mingchu:report_export", args=[submitted.pk])))
    assert sheet.title == "2022年9月"

    client.force_login(
        UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310101"))
    )
    assert client.get(reverse("mingchu:report_export", args=[submitted.pk])).status_code == 404


def test_an_unsubmitted_report_says_so(reference_data, client):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    report = open_report(acting_user=officer, year=2023, month=3)
    client.force_login(officer)
    sheet = _sheet(client.get(reverse("mingchu:report_export", args=[report.pk])))
    assert sheet["A1"].value == "各区2023年为民办实事项目进度报表"
    assert sheet["B3"].value.endswith("上报日期：（未上报）")
