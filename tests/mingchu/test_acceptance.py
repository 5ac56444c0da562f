"""实施方案 四（三）评估总结阶段: "在区级完成辖区“互联网＋明厨亮灶”示范店建设开展验收评估的基础，
市级组织相关部门开展市级验收评估，形成总结报告".

区级验收评估 (with bounded attachments) → 市级验收评估 (a result per district) → 总结报告 (a
PDF): each step a guarded transition, audited, asked by rules predicates, final once taken.
"""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from mingchu.models import (
    AcceptancePhase,
    AssessmentAttachment,
    AssessmentStatus,
    DistrictAssessment,
    DistrictQuota,
    YearAcceptance,
)
from mingchu.queries.acceptance import AcceptanceSummary
from mingchu.services import (
    add_assessment_attachment,
    conclude_acceptance,
    record_district_result,
    save_self_assessment,
    start_city_assessment,
    submit_self_assessment,
)
from mingchu.services.acceptance import ATTACHMENT_MAX_BYTES
from portal.models import AuditEvent, District, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def officers(quotas):
    """One district officer for each of the year's 16 districts, by district code."""
    return {
        quota.district_id: UserFactory(
            role=Role.DISTRICT_OFFICER, district=quota.district, username=f"o{quota.district_id}"
        )
        for quota in DistrictQuota.objects.for_year(2022)
    }


@pytest.fixture
def city(reference_data):
    return UserFactory(role=Role.CITY_OFFICER, username="city_acceptance")


def _submit_all(officers, *, but=()):
    for code, officer in officers.items():
        if code in but:
            continue
        save_self_assessment(acting_user=officer, year=2022, text=f"{officer.district}自评：完成。")
        submit_self_assessment(acting_user=officer, year=2022)


def test_a_district_writes_attaches_and_submits_its_self_assessment(officers):
    xuhui = officers["310104"]
    with pytest.raises(ValidationError):  # nothing to submit yet
        submit_self_assessment(acting_user=xuhui, year=2022)

    save_self_assessment(acting_user=xuhui, year=2022, text="徐汇区已完成80家示范店验收。")
    add_assessment_attachment(
        acting_user=xuhui, year=2022, upload=SimpleUploadedFile("验收报告.pdf", PDF)
    )
    assessment = submit_self_assessment(acting_user=xuhui, year=2022)

    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.figures["quota_total"] == 80 and "area" in assessment.figures
    assert assessment.attachments.get().content_type == "application/pdf"
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "acceptance.self_assessment_saved",
        "acceptance.attachment_added",
        "acceptance.self_assessment_submitted",
    ]
    with pytest.raises(ValidationError, match="已提交，不能再修改"):
        save_self_assessment(acting_user=xuhui, year=2022, text="再改一次")


def test_uploads_are_bounded_and_checked_by_content_and_nothing_is_kept_when_refused(officers):
    xuhui = officers["310104"]
    too_big = SimpleUploadedFile("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES)
    with pytest.raises(ValidationError, match="文件过大"):
        add_assessment_attachment(acting_user=xuhui, year=2022, upload=too_big)
    with pytest.raises(ValidationError, match="只接受 PDF、JPEG 或 PNG"):
        add_assessment_attachment(
            acting_user=xuhui, year=2022, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00")
        )
    assert not AssessmentAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="acceptance.attachment_added").exists()


def test_the_city_starts_only_when_every_district_has_submitted(officers, city):
    _submit_all(officers, but={"310151"})
    with pytest.raises(ValidationError, match="以下区尚未提交区级验收评估：崇明"):
        start_city_assessment(acting_user=city, year=2022)
    with pytest.raises(PermissionDenied):
        start_city_assessment(acting_user=officers["310104"], year=2022)
    with pytest.raises(ValidationError, match="市级验收评估尚未开始"):
        record_district_result(
            acting_user=city,
            assessment=DistrictAssessment.objects.get(district_id="310104"),
            result="passed",
            remarks="",
        )

    _submit_all({"310151": officers["310151"]})
    acceptance = start_city_assessment(acting_user=city, year=2022)

    assert acceptance.phase == AcceptancePhase.CITY
    with pytest.raises(ValidationError, match="区级验收评估已提交，不能再修改"):
        save_self_assessment(acting_user=officers["310104"], year=2022, text="迟到的修改")


def test_a_result_per_district_then_the_summary_report_pdf(officers, city, client):
    _submit_all(officers)
    start_city_assessment(acting_user=city, year=2022)
    assessments = DistrictAssessment.objects.select_related("district")
    with pytest.raises(ValidationError, match="基本合格或不合格须写明意见"):
        record_district_result(
            acting_user=city, assessment=assessments.get(district_id="310151"),
            result="failed", remarks="",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        record_district_result(
            acting_user=officers["310104"], assessment=assessments.get(district_id="310104"),
            result="passed", remarks="",
        )  # fmt: skip
    for assessment in assessments.exclude(district_id="310151"):
        record_district_result(acting_user=city, assessment=assessment, result="passed", remarks="")
    with pytest.raises(ValidationError, match="以下区尚无市级验收评估结果：崇明"):
        conclude_acceptance(acting_user=city, year=2022, text="全市完成。")
    record_district_result(
        acting_user=city, assessment=assessments.get(district_id="310151"),
        result="failed", remarks="视频未接入平台，限期整改",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="已有市级验收评估结果"):
        record_district_result(
            acting_user=city, assessment=assessments.get(district_id="310151"),
            result="passed", remarks="",
        )  # fmt: skip

    acceptance = conclude_acceptance(
        acting_user=city, year=2022, text="2022年全市建成示范店并接入网络餐饮服务第三方平台。"
    )

    assert acceptance.phase == AcceptancePhase.SUMMARY
    assert len(acceptance.summary["rows"]) == 16
    # The kept JSON reads back into the summary's dataclasses and writes back unchanged.
    kept = AcceptanceSummary.from_stored(acceptance.summary)
    assert kept.as_stored() == acceptance.summary
    assert sum(row.assessment is not None for row in kept.rows) == 16
    event = AuditEvent.objects.get(action="acceptance.summary_concluded")
    assert event.changes["results"] == {"验收合格": 15, "验收不合格": 1}
    client.force_login(officers["310104"])  # every district reads the summary
    pdf = client.get(reverse("mingchu:acceptance_pdf", args=[2022]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "2022年上海市餐饮食品“互联网＋明厨亮灶”工程为民办实事项目总结报告" in text
    assert "崇明" in text and "验收不合格" in text and "视频未接入平台，限期整改" in text
    assert text.count("验收合格") >= 15
    with pytest.raises(ValidationError, match="总结报告已经形成"):
        conclude_acceptance(acting_user=city, year=2022, text="再来一次")


def test_pages_are_scoped_and_ask_for_confirmation(officers, city, client):
    save_self_assessment(acting_user=officers["310115"], year=2022, text="浦东自评")
    submit_self_assessment(acting_user=officers["310115"], year=2022)
    pudong = DistrictAssessment.objects.get(district_id="310115")
    client.force_login(officers["310104"])
    assert client.get(reverse("mingchu:assessment_detail", args=[pudong.pk])).status_code == 404
    page = client.get(reverse("mingchu:acceptance", args=[2022])).content.decode()
    assert 'data-district="310115"' not in page and 'data-district="310104"' in page

    response = client.post(reverse("mingchu:assessment_own", args=[2022]), {"action": "save",
                           "self_assessment": "徐汇区自评"})  # fmt: skip
    assert response.status_code == 302
    unconfirmed = client.post(reverse("mingchu:assessment_own", args=[2022]), {"action": "submit"})
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.content.decode()
    assert DistrictAssessment.objects.get(district_id="310104").status == AssessmentStatus.DRAFT

    client.force_login(city)
    start = client.post(reverse("mingchu:acceptance_start", args=[2022]), follow=True)
    assert "请勾选确认" in start.content.decode()
    assert not YearAcceptance.objects.filter(phase=AcceptancePhase.CITY).exists()
    anonymous_district = UserFactory(
        role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104")
    )
    client.force_login(anonymous_district)
    assert (
        client.post(reverse("mingchu:acceptance_start", args=[2022]), {"confirm": "on"}).status_code
        == 404
    )
