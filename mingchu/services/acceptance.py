"""评估总结: 区级验收评估 → 市级验收评估 → 总结报告, every step a transition with its guard,
audited in its own transaction."""

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from mingchu.audit import MingchuAction
from mingchu.models import (
    AcceptancePhase,
    AssessmentAttachment,
    AssessmentStatus,
    CityResult,
    DistrictAssessment,
    DistrictQuota,
    YearAcceptance,
)
from mingchu.models.quotas import YEARS
from mingchu.queries.acceptance import AcceptanceSummary, CityAssessmentResult, SummaryRow
from mingchu.queries.rollups import RegistryRow, registry_rows, sum_rows
from portal import tabular
from portal.audit import record_event
from portal.permissions import is_district_bound_officer

#: Bounded uploads (ADR 0011: refused by size before they are read into memory).
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENTS_PER_ASSESSMENT = 10
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def _year(year: int) -> int:
    if year not in YEARS:
        raise ValidationError(f"没有{year}年度。")
    return year


def _acceptance(year: int) -> YearAcceptance:
    acceptance, _ = YearAcceptance.objects.get_or_create(year=_year(year))
    return YearAcceptance.objects.select_for_update().get(pk=acceptance.pk)


def _own_assessment(acting_user, year: int) -> DistrictAssessment:
    """The officer's district's assessment of the year (created on first use), locked."""
    if not is_district_bound_officer(acting_user):
        raise PermissionDenied("只有本区区局人员可以填报区级验收评估。")
    acceptance = _acceptance(year)
    if not DistrictQuota.objects.filter(year=year, district_id=acting_user.district_id).exists():
        raise ValidationError(f"{year}年本区没有示范店布点，无需验收评估。")
    assessment, _ = DistrictAssessment.objects.get_or_create(
        acceptance=acceptance, district_id=acting_user.district_id
    )
    assessment = DistrictAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not acting_user.has_perm("mingchu.self_assess", assessment):
        raise PermissionDenied("只有本区区局人员可以填报区级验收评估。")
    return assessment


def _require_draft(assessment):
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError("区级验收评估已提交，不能再修改。")
    if assessment.acceptance.phase != AcceptancePhase.DISTRICT:
        raise ValidationError("区级验收评估阶段已结束。")


def district_figures(year: int, district_id: str) -> RegistryRow | None:
    """The registry's figures of a district now (quota, progress, parts, overdue): what a
    submitted self-assessment keeps (``as_stored()``); None for a district without any."""
    rows = registry_rows(year=year, district_id=district_id)
    return rows[0] if rows else None


@transaction.atomic
def save_self_assessment(*, acting_user, year: int, text: str) -> DistrictAssessment:
    """区级验收评估: a district officer writes the district's self-assessment (a draft)."""
    assessment = _own_assessment(acting_user, year)
    _require_draft(assessment)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"self_assessment": "请填写区级验收评估情况。"})
    if text == assessment.self_assessment:
        return assessment
    assessment.self_assessment = text
    assessment.save(update_fields=["self_assessment"])
    record_event(
        actor=acting_user,
        action=MingchuAction.ACCEPTANCE_SELF_ASSESSMENT_SAVED,
        obj=assessment,
        changes={"length": len(text)},
    )
    return assessment


def _sniff(data: bytes) -> str:
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    raise ValidationError({"file": "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别）。"})


@transaction.atomic
def add_assessment_attachment(*, acting_user, year: int, upload) -> AssessmentAttachment:
    """Attach a document (验收报告, 现场照片 …) to the district's draft self-assessment:
    PDF, JPEG or PNG by content, at most 5 MB, at most 10 per assessment. A refused file
    writes nothing."""
    assessment = _own_assessment(acting_user, year)
    _require_draft(assessment)
    if upload is None or not upload.size:
        raise ValidationError({"file": "请选择要上传的文件。"})
    if assessment.attachments.count() >= ATTACHMENTS_PER_ASSESSMENT:
        raise ValidationError({"file": f"附件最多 {ATTACHMENTS_PER_ASSESSMENT} 个。"})
    try:
        data = tabular.upload_bytes(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = AssessmentAttachment.objects.create(
        assessment=assessment,
        original_name=(upload.name or "附件")[-200:],
        content_type=_sniff(data),
        size=len(data),
        content=data,
        uploaded_by=acting_user,
    )
    record_event(
        actor=acting_user,
        action=MingchuAction.ACCEPTANCE_ATTACHMENT_ADDED,
        obj=assessment,
        changes={"name": attachment.original_name, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def submit_self_assessment(*, acting_user, year: int) -> DistrictAssessment:
    """提交区级验收评估 (final): the district's figures are kept as they stand now."""
    assessment = _own_assessment(acting_user, year)
    _require_draft(assessment)
    if not can_proceed(assessment.submit):
        raise ValidationError({"self_assessment": "请先填写区级验收评估情况。"})
    figures = district_figures(year, assessment.district_id)
    stored = figures.as_stored() if figures is not None else {}
    assessment.submit(at=timezone.now(), by=acting_user, figures=stored)
    assessment.save()
    record_event(
        actor=acting_user,
        action=MingchuAction.ACCEPTANCE_SELF_ASSESSMENT_SUBMITTED,
        obj=assessment,
        changes={
            "completed": stored.get("completed"),
            "attachments": assessment.attachments.count(),
        },
    )
    return assessment


@transaction.atomic
def start_city_assessment(*, acting_user, year: int) -> YearAcceptance:
    """开始市级验收评估, once every district with a quota has submitted its own (final)."""
    if not acting_user.has_perm("mingchu.assess_districts"):
        raise PermissionDenied("只有市局人员可以组织市级验收评估。")
    acceptance = _acceptance(year)
    if acceptance.phase != AcceptancePhase.DISTRICT:
        raise ValidationError("市级验收评估已经开始。")
    if not can_proceed(acceptance.start_city_assessment):
        waiting = acceptance.districts_not_submitted()
        raise ValidationError(f"以下区尚未提交区级验收评估：{'、'.join(waiting) or '全部'}。")
    acceptance.start_city_assessment(at=timezone.now())
    acceptance.save()
    record_event(
        actor=acting_user,
        action=MingchuAction.ACCEPTANCE_CITY_ASSESSMENT_STARTED,
        obj=acceptance,
        changes={"districts": acceptance.assessments.count()},
    )
    return acceptance


@transaction.atomic
def record_district_result(
    *, acting_user, assessment, result: str, remarks: str
) -> DistrictAssessment:
    """The city's result for one district (市级验收评估; final). 基本合格 and 不合格 need
    the city's remarks."""
    if not acting_user.has_perm("mingchu.assess_districts"):
        raise PermissionDenied("只有市局人员可以记录市级验收评估结果。")
    assessment = (
        DistrictAssessment.objects.select_for_update()
        .select_related("acceptance", "district")
        .get(pk=assessment.pk)
    )
    if result not in CityResult.values:
        raise ValidationError({"result": "请选择市级验收评估结果。"})
    remarks = (remarks or "").strip()
    if result != CityResult.PASSED and not remarks:
        raise ValidationError({"remarks": "基本合格或不合格须写明意见。"})
    if not can_proceed(assessment.assess):
        if assessment.status == AssessmentStatus.ASSESSED:
            raise ValidationError("该区已有市级验收评估结果。")
        raise ValidationError("市级验收评估尚未开始。")
    assessment.assess(result=result, remarks=remarks, at=timezone.now(), by=acting_user)
    assessment.save()
    record_event(
        actor=acting_user,
        action=MingchuAction.ACCEPTANCE_DISTRICT_RESULT_RECORDED,
        obj=assessment,
        changes={"result": result, "remarks": remarks},
    )
    return assessment


def _summary(acceptance: YearAcceptance) -> AcceptanceSummary:
    """The figures the summary report keeps: every district's registry row now, with its
    self-assessment and the city's result."""
    assessments = {
        a.district_id: a for a in acceptance.assessments.select_related("district").all()
    }
    rows = []
    for registry in registry_rows(year=acceptance.year):
        row = SummaryRow(
            **{f.name: getattr(registry, f.name) for f in dataclasses.fields(registry)}
        )
        assessment = assessments.get(row.district_code)
        if assessment is not None and assessment.city_result:
            row.assessment = CityAssessmentResult(
                self_assessment=assessment.self_assessment,
                submitted_at=assessment.submitted_at.isoformat(),
                attachments=assessment.attachments.count(),
                result=assessment.city_result,
                result_label=CityResult(assessment.city_result).label,
                remarks=assessment.city_remarks,
            )
        rows.append(row)
    return AcceptanceSummary(rows=rows, totals=sum_rows(rows))


@transaction.atomic
def conclude_acceptance(*, acting_user, year: int, text: str) -> YearAcceptance:
    """形成总结报告 (final): once the city has a result for every district, the year's
    figures, results and the summary text are kept; the summary PDF is rendered from them."""
    if not acting_user.has_perm("mingchu.conclude_acceptance"):
        raise PermissionDenied("只有市局人员可以形成总结报告。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写总结报告正文。"})
    acceptance = _acceptance(year)
    if acceptance.phase == AcceptancePhase.SUMMARY:
        raise ValidationError("总结报告已经形成。")
    if not can_proceed(acceptance.conclude):
        if acceptance.phase == AcceptancePhase.DISTRICT:
            raise ValidationError("市级验收评估尚未开始。")
        waiting = acceptance.districts_not_assessed()
        raise ValidationError(f"以下区尚无市级验收评估结果：{'、'.join(waiting)}。")
    summary = _summary(acceptance)
    acceptance.conclude(text=text, summary=summary.as_stored(), at=timezone.now(), by=acting_user)
    acceptance.save()
    results = {}
    for row in summary.rows:
        if row.assessment is not None:
            label = row.assessment.result_label
            results[label] = results.get(label, 0) + 1
    record_event(
        actor=acting_user,
        action=MingchuAction.ACCEPTANCE_SUMMARY_CONCLUDED,
        obj=acceptance,
        changes={"completed": summary.totals.completed, "results": results},
    )
    return acceptance
