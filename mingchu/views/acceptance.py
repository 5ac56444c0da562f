"""评估总结 pages: 区级验收评估 (district officers), 市级验收评估 and 总结报告 (city officers),
and the summary report PDF (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk).

Who may do what is asked of ``mingchu.permissions``; what may happen now, of the workflow
(``can_proceed``). Anything outside the user's scope answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mingchu.forms.acceptance import (
    AttachmentForm,
    ConcludeForm,
    ResultForm,
    SelfAssessmentForm,
    StartCityForm,
    SubmitForm,
)
from mingchu.models import (
    AcceptancePhase,
    AssessmentAttachment,
    DistrictAssessment,
    DistrictQuota,
    YearAcceptance,
)
from mingchu.models.quotas import YEARS
from mingchu.queries.acceptance import AcceptanceSummary, acceptance_for, district_lines
from mingchu.queries.rollups import RegistryRow
from mingchu.services import (
    add_assessment_attachment,
    conclude_acceptance,
    record_district_result,
    save_self_assessment,
    start_city_assessment,
    submit_self_assessment,
)
from mingchu.services.acceptance import district_figures
from portal.forms import add_service_errors


def _require_viewer(request):
    if not request.user.has_perm("mingchu.view_acceptance"):
        raise Http404


def _check_year(year: int) -> None:
    if year not in YEARS:
        raise Http404("没有该年度。")


def summary_title(year: int) -> str:
    return f"{year}年上海市餐饮食品“互联网＋明厨亮灶”工程为民办实事项目总结报告"


@login_required
def acceptance_latest(request):
    _require_viewer(request)
    return redirect("mingchu:acceptance", DistrictQuota.objects.project_year())


@login_required
def acceptance_year(request, year):
    """The year's acceptance: its phase, every district's self-assessment and city result;
    the city starts the city assessment and concludes here."""
    _require_viewer(request)
    _check_year(year)
    acceptance = acceptance_for(year)
    user = request.user
    return render(
        request,
        "mingchu/acceptance/year.html",
        {
            "year": year,
            "acceptance": acceptance,
            "phases": AcceptancePhase.choices,
            "lines": district_lines(acceptance, user),
            "start_form": StartCityForm() if user.has_perm("mingchu.assess_districts") else None,
            "conclude_form": (
                ConcludeForm() if user.has_perm("mingchu.conclude_acceptance") else None
            ),
            "waiting": acceptance.districts_not_submitted() if acceptance.pk else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_own(request, year):
    """区级验收评估 of the officer's district: write it, attach documents, submit it."""
    user = request.user
    _check_year(year)
    if not user.has_perm("mingchu.view_acceptance") or user.is_city_wide:
        raise Http404
    acceptance = acceptance_for(year)
    assessment = None
    if acceptance.pk:
        assessment = DistrictAssessment.objects.filter(
            acceptance=acceptance, district_id=user.district_id
        ).first()
    if assessment is not None and not user.has_perm("mingchu.self_assess", assessment):
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    text_form = SelfAssessmentForm(
        request.POST if action == "save" else None,
        initial={"self_assessment": assessment.self_assessment if assessment else ""},
    )
    upload_form = AttachmentForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
    )
    submit_form = SubmitForm(request.POST if action == "submit" else None)
    forms_by_action = {"save": text_form, "upload": upload_form, "submit": submit_form}
    if action is not None:
        form = forms_by_action.get(action)
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                if action == "save":
                    save_self_assessment(
                        acting_user=user, year=year, text=form.cleaned_data["self_assessment"]
                    )
                    done = "区级验收评估已保存。"
                elif action == "upload":
                    attachment = add_assessment_attachment(
                        acting_user=user, year=year, upload=form.cleaned_data["file"]
                    )
                    done = f"已上传附件：{attachment}"
                else:
                    submit_self_assessment(acting_user=user, year=year)
                    done = "区级验收评估已提交，等待市级验收评估。"
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("mingchu:assessment_own", year)
    return render(
        request,
        "mingchu/acceptance/assessment_own.html",
        {
            "year": year,
            "acceptance": acceptance,
            "assessment": assessment,
            "district": user.district,
            "figures": RegistryRow.from_stored(assessment.figures)
            if assessment is not None and assessment.figures
            else district_figures(year, user.district_id),
            "attachments": assessment.attachments.defer("content") if assessment else [],
            "text_form": text_form,
            "upload_form": upload_form,
            "submit_form": submit_form,
        },
        status=400 if any(f.errors for f in forms_by_action.values()) else 200,
    )


def _visible_assessment(request, pk) -> DistrictAssessment:
    _require_viewer(request)
    assessments = DistrictAssessment.objects.visible_to(request.user).select_related(
        "acceptance", "district", "submitted_by", "assessed_by"
    )
    return get_object_or_404(assessments, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request, pk):
    """One district's self-assessment as submitted; the city records its result here."""
    assessment = _visible_assessment(request, pk)
    can_assess = request.user.has_perm("mingchu.assess_districts")
    form = ResultForm(request.POST or None) if can_assess else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                assessment = record_district_result(
                    acting_user=request.user,
                    assessment=assessment,
                    result=form.cleaned_data["result"],
                    remarks=form.cleaned_data["remarks"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{assessment.district}：{assessment.get_city_result_display()}",
                )
                return redirect("mingchu:acceptance", assessment.acceptance.year)
    return render(
        request,
        "mingchu/acceptance/assessment_detail.html",
        {
            "assessment": assessment,
            "acceptance": assessment.acceptance,
            "figures": RegistryRow.from_stored(assessment.figures) if assessment.figures else None,
            "attachments": assessment.attachments.defer("content"),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def attachment_download(request, pk):
    _require_viewer(request)
    attachment = get_object_or_404(
        AssessmentAttachment.objects.filter(
            assessment__in=DistrictAssessment.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def acceptance_start(request, year):
    """开始市级验收评估 (confirmed)."""
    if not request.user.has_perm("mingchu.assess_districts"):
        raise Http404
    _check_year(year)
    form = StartCityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["confirm"])
        start_city_assessment(acting_user=request.user, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{year}年市级验收评估已开始。")
    return redirect("mingchu:acceptance", year)


@login_required
@require_POST
def acceptance_conclude(request, year):
    """形成总结报告 (confirmed)."""
    if not request.user.has_perm("mingchu.conclude_acceptance"):
        raise Http404
    _check_year(year)
    form = ConcludeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for ms in form.errors.values() for m in ms])
        conclude_acceptance(acting_user=request.user, year=year, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{year}年总结报告已形成。")
    return redirect("mingchu:acceptance", year)


def render_summary_pdf(acceptance: YearAcceptance) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    summary = AcceptanceSummary.from_stored(acceptance.summary)
    html = render_to_string(
        "mingchu/acceptance/summary_pdf.html",
        {
            "title": summary_title(acceptance.year),
            "acceptance": acceptance,
            "rows": summary.rows,
            "totals": summary.totals,
            "printed_at": timezone.localtime(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@login_required
def acceptance_pdf(request, year):
    """The year's summary report as a PDF, once it is concluded."""
    _require_viewer(request)
    _check_year(year)
    acceptance = YearAcceptance.objects.filter(year=year).select_related("concluded_by").first()
    if acceptance is None or acceptance.phase != AcceptancePhase.SUMMARY:
        raise Http404("总结报告尚未形成。")
    response = HttpResponse(render_summary_pdf(acceptance), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mingchu-summary-{year}.pdf"'
    return response
