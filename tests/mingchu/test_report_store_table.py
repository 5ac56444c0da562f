"""实施方案 五（六）: "各区要于每月30日前向实事项目领导小组办公室上报项目推进情况（区月度报表见
附件3、示范店建设情况统计表见附件4）". The month's 附件4 table is submitted with its 附件3
report: a snapshot taken in the submission's transaction, a new version each resubmission,
viewable and exportable per version."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from mingchu.models import ReportVersion
from mingchu.queries.reports import SHANGHAI
from mingchu.services import open_report, return_report, save_report, submit_report
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, staged_demo_stores

pytestmark = pytest.mark.django_db

CONTACT = {"reporting_unit": "徐汇区市场监管局", "statistician": "李强", "phone": "021-64870000"}


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


def _at(time_machine, *day):
    time_machine.move_to(datetime.datetime(*day, 10, 0, tzinfo=SHANGHAI), tick=False)


def _submit(officer, report):
    report = save_report(
        acting_user=officer, report=report, expected_version=report.version, **CONTACT
    )
    return submit_report(acting_user=officer, report=report, expected_version=report.version)


def test_each_submission_keeps_its_month_end_store_table_as_a_new_version(
    client, officer, xuhui_clerk, quotas, time_machine
):
    _at(time_machine, 2022, 9, 20)
    stores = staged_demo_stores(officer, xuhui_clerk)  # 设备安装, 视频对接, 完成建设
    _at(time_machine, 2022, 10, 8)
    first = advance_store(officer, stores[0])  # in October: September's table does not see it
    report = _submit(officer, open_report(acting_user=officer, year=2022, month=9))

    v1 = ReportVersion.objects.get(report=report, number=1)
    by_licence = {row["food_licence_number"]: row for row in v1.stores}
    assert first.stage == "video_link"
    assert by_licence[first.food_licence_number]["stage"] == "设备安装"
    assert {row["stage"] for row in v1.stores} == {"设备安装", "视频对接", "完成建设"}
    assert len(v1.stores) == 3 and v1.stores[0]["delivery"] == "未记录"

    city = UserFactory(role=Role.CITY_OFFICER)
    return_report(acting_user=city, report=report, reason="请补充附件4")
    report.refresh_from_db()
    _submit(officer, report)
    v2 = ReportVersion.objects.get(report=report, number=2)
    assert len(v2.stores) == 3
    v1.refresh_from_db()
    assert by_licence == {row["food_licence_number"]: row for row in v1.stores}  # unchanged

    client.force_login(city)
    detail = client.get(reverse("mingchu:report_detail", args=[report.pk])).content.decode()
    assert "示范店建设情况统计表（附件4）：3 家" in detail
    page = client.get(reverse("mingchu:report_version_stores", args=[report.pk, 1]))
    text = page.content.decode()
    assert "各区示范店建设情况统计表" in text and "第 1 版" in text
    assert "注：1．建设进度请填写前期准备、设备安装、视频对接、完成建设" in text
    export = client.get(reverse("mingchu:report_version_stores_export", args=[report.pk, 2]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "各区示范店建设情况统计表"
    assert rows[1][0] == "区：徐汇区（2022年9月 第2版）"
    assert rows[2][:6] == ["序号", "单位名称", "地址", "许可证号", "建设进度", "预计完成时间"]
    assert sorted(r[4] for r in rows[3:6]) == ["完成建设", "视频对接", "设备安装"]
    assert (
        client.get(reverse("mingchu:report_version_stores", args=[report.pk, 3])).status_code == 404
    )


def test_a_refused_submission_keeps_no_table_and_other_districts_see_nothing(
    client, officer, xuhui_clerk, quotas, time_machine
):
    _at(time_machine, 2022, 9, 20)
    staged_demo_stores(officer, xuhui_clerk)
    report = open_report(acting_user=officer, year=2022, month=9)
    with pytest.raises(ValidationError):  # 上报单位 / 统计员 / 电话 missing
        submit_report(acting_user=officer, report=report, expected_version=report.version)
    assert not ReportVersion.objects.exists()

    report = _submit(officer, report)
    pudong = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))
    client.force_login(pudong)
    for name in ("mingchu:report_version_stores", "mingchu:report_version_stores_export"):
        assert client.get(reverse(name, args=[report.pk, 1])).status_code == 404
