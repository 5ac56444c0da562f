"""In headless Chromium, 评估总结 (实施方案 四（三）): Xuhui writes, attaches and submits its
区级验收评估; the city starts the 市级验收评估, records Xuhui's result and concludes; the
summary report PDF names every district's result."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from mingchu.models import DistrictAssessment, DistrictQuota
from mingchu.services import (
    record_district_result,
    save_self_assessment,
    submit_self_assessment,
)
from portal.models import Role
from tests.factories import PASSWORD, UserFactory

XUHUI = "310104"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{base}/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_district_self_assessment_to_the_citys_summary_pdf(browser, live_server, reference_data):
    call_command("loaddata", "mingchu_quotas_2022", verbosity=0)
    officers = {
        q.district_id: UserFactory(
            role=Role.DISTRICT_OFFICER, district=q.district, username=f"officer_{q.district_id}"
        )
        for q in DistrictQuota.objects.for_year(2022)
    }
    city = UserFactory(role=Role.CITY_OFFICER, username="city_acceptance", full_name="市局王芳")
    for code, officer in officers.items():  # the other 15 districts have submitted already
        if code != XUHUI:
            save_self_assessment(acting_user=officer, year=2022, text=f"{officer.district}已验收。")
            submit_self_assessment(acting_user=officer, year=2022)
    base = live_server.url

    district = browser.new_context(locale="zh-CN").new_page()
    _login(district, base, f"officer_{XUHUI}")
    district.get_by_role("link", name="验收评估").click()
    expect(district.get_by_role("heading", level=1)).to_have_text(
        "2022年“互联网＋明厨亮灶”验收评估与总结"
    )
    district.get_by_role("link", name="填写本区区级验收评估").click()
    district.get_by_label("区级验收评估情况").fill("徐汇区80家示范店已逐店现场验收。")
    district.get_by_role("button", name="保存").click()
    expect(district.get_by_text("区级验收评估已保存。")).to_be_visible()
    district.get_by_label("附件（PDF、JPEG 或 PNG，不超过 5 MB）").set_input_files(
        {"name": "徐汇区验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    district.get_by_role("button", name="上传附件").click()
    expect(district.locator("[data-attachments]")).to_contain_text("徐汇区验收报告.pdf")
    district.get_by_role("button", name="提交区级验收评估").click()  # not confirmed yet
    expect(district.locator("[data-error-summary]")).to_contain_text("请勾选确认")
    district.get_by_label("我已核对区级验收评估情况和附件，确认提交（提交后不可修改）").check()
    district.get_by_role("button", name="提交区级验收评估").click()
    expect(district.locator("[data-status]")).to_have_text("区级验收评估已提交")

    page = browser.new_context(locale="zh-CN").new_page()
    _login(page, base, "city_acceptance")
    page.get_by_role("link", name="验收评估").click()
    page.get_by_label("各区均已提交区级验收评估，确认开始市级验收评估（区级评估随即锁定）").check()
    page.get_by_role("button", name="开始市级验收评估").click()
    expect(page.locator("[data-phase]")).to_have_attribute("data-phase", "city")
    page.locator(f"[data-district='{XUHUI}']").get_by_role("link").click()
    expect(page.locator("[data-self-assessment]")).to_have_text("徐汇区80家示范店已逐店现场验收。")
    expect(page.locator("[data-attachments]")).to_contain_text("徐汇区验收报告.pdf")
    page.get_by_label("基本合格（限期整改）").check()
    page.get_by_label("市级验收评估意见").fill("两家门店视频清晰度不足，限期整改")
    page.get_by_label("确认记录该区的市级验收评估结果（记录后不可修改）").check()
    page.get_by_role("button", name="记录市级验收评估结果").click()
    expect(page.locator(f"[data-district='{XUHUI}'] [data-result]")).to_have_text(
        "基本合格（限期整改）"
    )

    for assessment in DistrictAssessment.objects.exclude(district_id=XUHUI):
        record_district_result(acting_user=city, assessment=assessment, result="passed", remarks="")
    page.reload()
    page.get_by_label("总结报告正文").fill("2022年全市1000家示范店建设任务完成，视频接入平台。")
    page.get_by_label("确认形成总结报告（形成后本年度验收评估结束，不可修改）").check()
    page.get_by_role("button", name="形成总结报告").click()
    expect(page.locator("[data-summary]")).to_contain_text("2022年全市1000家示范店建设任务完成")

    link = page.get_by_role("link", name="下载总结报告（PDF）")
    response = page.request.get(f"{base}{link.get_attribute('href')}")  # the page's session
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "2022年上海市餐饮食品“互联网＋明厨亮灶”工程为民办实事项目总结报告" in text
    flat = text.replace("\n", "")  # narrow table cells wrap
    assert "3 徐汇 80 0/33 0/47 0 0 0% 0 基本合格（限期整改）" in flat
    assert "两家门店视频清晰度不足，限期整改" in flat
    for quota in DistrictQuota.objects.for_year(2022).exclude(district_id=XUHUI):
        name = quota.district.short_name
        assert re.search(rf"^{quota.sort_order} {name} .* 验收合格$", text, re.MULTILINE), name
    assert "徐汇（附件 1 份）：徐汇区80家示范店已逐店现场验收。" in text
