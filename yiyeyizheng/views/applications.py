"""The enterprise's pages: start from a questionnaire result, fill, attach, sign and submit,
follow the timeline, correct, and apply for change, cancellation or reissue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from elicense.permissions import require
from portal.access import require_enterprise
from portal.forms import add_service_errors, flash_errors
from portal.idempotency import replay_form, submit_form_once
from portal.views.files import file_response
from yiyeyizheng.forms.applications import (
    ApplicationForm,
    AttachmentForm,
    LicenceFilingForm,
    NoticeForm,
    ReasonForm,
)
from yiyeyizheng.forms.questionnaire import AnswersForm
from yiyeyizheng.forms.ratings import RatingForm
from yiyeyizheng.models import (
    Application,
    Attachment,
    BusinessFormat,
    CatalogueVersion,
    CompositeLicence,
    ItemReview,
    ServiceRating,
)
from yiyeyizheng.models.applications import FORM_FIELDS
from yiyeyizheng.models.questions import FIXED_QUESTIONS
from yiyeyizheng.queries.decisions import questions_for
from yiyeyizheng.queries.filings import filed_licences, uploaded_attachments
from yiyeyizheng.queries.progress import timeline
from yiyeyizheng.queries.signing import signing_rows
from yiyeyizheng.services import applications as services
from yiyeyizheng.services import attachments as attachment_services
from yiyeyizheng.services import changes
from yiyeyizheng.services import filings as filing_services
from yiyeyizheng.services.answers import clean_answers

#: Creates answered once per form token (portal.idempotency).
START = "yiyeyizheng.application.start"
ATTACH = "yiyeyizheng.attachment.upload"
CHANGE = "yiyeyizheng.licence.start_change"


def _edit_url(application: Application) -> str:
    return reverse("yiyeyizheng:application_edit", args=[application.number])


def _applicant(request):
    """The enterprise user (404 for anyone else) who may apply (403 with the reason)."""
    user = require_enterprise(request)
    require(user, "yiyeyizheng.apply")
    return user


def _format(seq: int):
    version = CatalogueVersion.current()
    business_format = (
        BusinessFormat.objects.of(version).with_items().filter(seq=seq).first() if version else None
    )
    if business_format is None:
        raise Http404("现行目录中没有该经营业态。")
    return business_format


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request, seq: int):
    """Confirm the items a questionnaire result gives, then create the draft."""
    user = _applicant(request)
    business_format = _format(seq)
    source = request.POST if request.method == "POST" else request.GET
    error = None
    try:
        answers = clean_answers(business_format, source)
        decisions = services.decisions_snapshot(business_format, answers)
    except ValidationError as exc:
        answers, decisions, error = {}, [], "；".join(exc.messages)
    if request.method == "POST" and (replay := replay_form(request, action=START)):
        return replay
    if request.method == "POST" and error is None:
        try:
            once = submit_form_once(
                request,
                action=START,
                create=lambda: services.start_application(
                    acting_user=user,
                    business_format=business_format,
                    answers=answers,
                    chosen_optional=request.POST.getlist("chosen_optional"),
                ),
                url=_edit_url,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = "；".join(getattr(exc, "messages", [str(exc)]))
        else:
            if not once.replayed:
                messages.success(request, f"已创建申请 {once.created.number}，请核对并填写申请表。")
            return redirect(once.url)
    return render(
        request,
        "yiyeyizheng/application_start.html",
        {
            "format": business_format,
            "answers": answers,
            "decisions": shown_decisions(decisions),
            "optional": [d for d in decisions if services.tickable(d)],
            "error": error,
        },
    )


@login_required
def application_list(request):
    """The entity's composite licences and applications."""
    user = require_enterprise(request)
    require(user, "yiyeyizheng.view_application")
    applications = (
        Application.objects.visible_to(user).select_related("business_format").order_by("-pk")
    )
    licences = CompositeLicence.objects.visible_to(user).active().select_related("business_format")
    return render(
        request,
        "yiyeyizheng/application_list.html",
        {"applications": applications, "licences": licences},
    )


def visible_application(request, number: str) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "business_format__lead_department",
            "district",
            "entity",
            "licence",
            "signed_document",
            "assisted_by",
        ),
        number=number,
    )


@login_required
def application_detail(request, number: str):
    """The application with its items, reviews and timeline; actions by role."""
    require(request.user, "yiyeyizheng.view_application")
    application = visible_application(request, number)
    user = request.user
    reviews = application.reviews.select_related("department", "district")
    own = set(ItemReview.objects.visible_to(user).filter(application=application).values_list(
        "pk", flat=True
    ))  # fmt: skip
    return render(
        request,
        "yiyeyizheng/application_detail.html",
        {
            "application": application,
            "reviews": reviews,
            "own_reviews": own,
            "attachments": uploaded_attachments(application),
            "filed_licences": filed_licences(application),
            "timeline": timeline(application),
            "is_applicant": application.is_entity_user(user),
            "is_clerk": application.is_clerk_of(user),
            "notice_form": NoticeForm(),
            "editable": application.is_unsubmitted(),
            "needs_correction": any(r.status == "correction_requested" for r in reviews),
            "missing": application.missing() if application.is_unsubmitted() else [],
            "wrong": application.fact_problems() if application.is_clerk_of(user) else [],
            "rating": ServiceRating.objects.filter(application=application).first()
            if application.is_concluded()
            else None,
            "rating_form": RatingForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, number: str):
    """The form: the applicant's fields, the facts of the business and the optional items;
    saving decides the items again from the facts."""
    user = _applicant(request)
    application = visible_application(request, number)
    if not application.is_editable():
        return redirect("yiyeyizheng:application_detail", application.number)
    facts = services.facts_editable(application)
    questions = questions_for(_format_of(application)) if facts else []
    optional = (
        [d for d in application.decisions if services.tickable(d)]
        if application.kind == "new" and facts else []
    )  # fmt: skip
    initial = {
        **application.form_data,
        **application.answers,
        "chosen_optional": [str(d["item_id"]) for d in optional if d["chosen"]],
    }
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        questions=questions,
        optional_items=optional,
    )
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in FORM_FIELDS}
        try:
            services.save_draft(
                acting_user=user,
                application=application,
                form_data=data,
                answers=request.POST if facts else None,
                chosen_optional=form.cleaned_data.get("chosen_optional"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "申请表已保存。")
            return redirect("yiyeyizheng:application_edit", application.number)
    return render(
        request,
        "yiyeyizheng/application_edit.html",
        {
            "application": application,
            "form": form,
            "attachment_form": AttachmentForm(),
            "attachments": uploaded_attachments(application),
            "facts": services.register_facts(application.entity),
            "decisions": shown_decisions(application.decisions),
            "missing": application.missing(),
        },
    )


def shown_decisions(decisions: list[dict]) -> list[dict]:
    """Decisions with the blank facts they wait on named in Chinese (``waiting``)."""
    return [
        {**d, "waiting": "、".join(FIXED_QUESTIONS[k].label for k in d.get("awaiting", ()))}
        for d in decisions
    ]


def _format_of(application: Application) -> BusinessFormat:
    return BusinessFormat.objects.with_items().get(pk=application.business_format_id)


@login_required
def application_sign(request, number: str):
    """签署: a summary of exactly what the entity's signature will cover, with its digest;
    the button posts that digest, so what is signed is what was shown."""
    user = _applicant(request)
    application = visible_application(request, number)
    services.require_applicant(user, application.entity_uscc)
    correcting = application.awaits_correction()
    if not (application.is_unsubmitted() or correcting):
        return redirect("yiyeyizheng:application_detail", application.number)
    summary = services.signing_summary(application)
    return render(
        request,
        "yiyeyizheng/application_sign.html",
        {
            "application": application,
            "summary": summary,
            "rows": signing_rows(summary.data),
            "correcting": correcting,
        },
    )


@login_required
@require_POST
def attachment_upload(request, number: str):
    user = _applicant(request)
    application = visible_application(request, number)
    if replay := replay_form(request, action=ATTACH):
        return replay
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            once = submit_form_once(
                request,
                action=ATTACH,
                create=lambda: attachment_services.add_attachment(
                    acting_user=user,
                    application=application,
                    purpose=form.cleaned_data["purpose"],
                    upload=form.cleaned_data["file"],
                ),
                url=lambda _: reverse("yiyeyizheng:application_edit", args=[application.number]),
            )
        except (ValidationError, PermissionDenied) as error:
            flash_errors(request, error)
        else:
            if not once.replayed:
                messages.success(request, "材料已上传。")
    else:
        flash_errors(request, form)
    return redirect("yiyeyizheng:application_edit", application.number)


@login_required
@require_POST
def attachment_delete(request, number: str, pk: int):
    user = _applicant(request)
    application = visible_application(request, number)
    attachment = get_object_or_404(Attachment, pk=pk, application=application)
    try:
        attachment_services.remove_attachment(acting_user=user, attachment=attachment)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect("yiyeyizheng:application_edit", application.number)


@login_required
@require_POST
def licence_file(request, number: str):
    """执照存档: the window files the licence of a valid scan (its 查验编号) with this
    application; the service reads the check back from the log. Another district's case
    answers 404; a refusal is shown on the case page, and nothing is written."""
    user = request.user
    application = visible_application(request, number)
    if not application.is_clerk_of(user):
        raise Http404
    form = LicenceFilingForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form)
        return redirect("yiyeyizheng:application_detail", application.number)
    try:
        filing = filing_services.file_scanned_licence(
            acting_user=user, application=application, check_id=form.cleaned_data["check_id"]
        )
    except (ValidationError, PermissionDenied) as error:
        flash_errors(request, error)
    else:
        ready = "" if filing.attachment_id else "执照PDF正在生成，稍后在此列出。"
        messages.success(
            request, f"已将{filing.certificate_number}存档到申请{application.number}。{ready}"
        )
    return redirect("yiyeyizheng:application_detail", application.number)


@login_required
def attachment_download(request, number: str, pk: int):
    """Only the entity's users, the district's clerks and the departments concerned."""
    require(request.user, "yiyeyizheng.view_application")
    application = visible_application(request, number)
    attachment = get_object_or_404(Attachment, pk=pk, application=application)
    return file_response(
        attachment.file.name,
        storage=attachment.file.storage,
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


def _act(request, number, action, success, **kwargs):
    user = _applicant(request)
    application = visible_application(request, number)
    try:
        action(acting_user=user, application=application, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success(application))
    return redirect("yiyeyizheng:application_detail", application.number)


def _shown_digest(request, number: str) -> str | None:
    """The digest of the summary the applicant saw; without it, back to the summary (asked
    after the applicant's rule, so a refused agent is told why, not sent to the summary)."""
    _applicant(request)
    digest = request.POST.get("digest", "").strip()
    if not digest:
        messages.error(request, "请先核对签署内容，再签署提交。")
        return None
    return digest


@login_required
@require_POST
def application_submit(request, number: str):
    """Sign with the entity's electronic signature exactly what the summary showed, then
    submit."""
    digest = _shown_digest(request, number)
    if digest is None:
        return redirect("yiyeyizheng:application_sign", number)
    return _act(
        request, number, services.submit_application,
        lambda a: f"已以企业电子签名签署并提交。办件进度查询码：{a.verification_code}",
        shown_digest=digest,
    )  # fmt: skip


@login_required
@require_POST
def application_withdraw(request, number: str):
    return _act(request, number, services.withdraw_application, lambda a: "申请已撤回。")


@login_required
@require_POST
def application_correct(request, number: str):
    """Answer departments' correction requests (re-signed as the summary showed; the reviews
    resume)."""
    digest = _shown_digest(request, number)
    if digest is None:
        return redirect("yiyeyizheng:application_sign", number)
    return _act(
        request, number, services.correct_application,
        lambda a: "补正已提交，相关部门将继续审查。", shown_digest=digest,
    )  # fmt: skip


def _own_licence(request, pk: int) -> CompositeLicence:
    _applicant(request)
    return get_object_or_404(CompositeLicence.objects.visible_to(request.user).active(), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def licence_change(request, pk: int):
    """变更: the questionnaire answers and the form again; affected items are re-reviewed."""
    licence = _own_licence(request, pk)
    questions = questions_for(licence.business_format)
    answers = AnswersForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        widgets=False,
        initial=licence.answers,  # the licence's answers, changed only where the holder says
    )
    address = licence.premises_address
    error = None
    if request.method == "POST" and (replay := replay_form(request, action=CHANGE)):
        return replay
    if request.method == "POST":
        address = request.POST.get("premises_address", "").strip()
        try:
            once = submit_form_once(
                request,
                action=CHANGE,
                create=lambda: changes.start_change(
                    acting_user=request.user,
                    licence=licence,
                    answers=request.POST,
                    form_data={"premises_address": address} if address else {},
                ),
                url=_edit_url,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = "；".join(getattr(exc, "messages", [str(exc)]))
        else:
            if not once.replayed:
                messages.success(request, f"已创建变更申请 {once.created.number}。")
            return redirect(once.url)
    return render(
        request,
        "yiyeyizheng/licence_change.html",
        {"licence": licence, "answers": answers, "address": address, "error": error},
    )


def _licence_reason_page(request, pk, start, title):
    licence = _own_licence(request, pk)
    action = f"yiyeyizheng.licence.{start.__name__}"
    if request.method == "POST" and (replay := replay_form(request, action=action)):
        return replay
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            once = submit_form_once(
                request,
                action=action,
                create=lambda: start(
                    acting_user=request.user, licence=licence, reason=form.cleaned_data["reason"]
                ),
                url=_edit_url,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, "；".join(getattr(error, "messages", [str(error)])))
        else:
            if not once.replayed:
                messages.success(request, f"已创建{title}申请 {once.created.number}。")
            return redirect(once.url)
    return render(
        request,
        "yiyeyizheng/licence_reason.html",
        {"licence": licence, "form": form, "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def licence_cancel(request, pk: int):
    return _licence_reason_page(request, pk, changes.start_cancellation, "注销")


@login_required
@require_http_methods(["GET", "POST"])
def licence_reissue(request, pk: int):
    return _licence_reason_page(request, pk, changes.start_reissue, "补办")
