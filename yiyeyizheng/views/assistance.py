"""帮办代办 pages: the applicant asks; the window fills the application (the 一业一证 window
form, with the scan field of 照面信息获取) and hands it over; the applicant signs on the
usual signing page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from elicense.permissions import require
from portal.forms import add_service_errors
from portal.permissions import is_enterprise, is_window_clerk
from yiyeyizheng.forms.assistance import AssistanceRequestForm, AssistedApplicationForm
from yiyeyizheng.models import AssistanceRequest, BusinessFormat
from yiyeyizheng.models.applications import FORM_FIELDS
from yiyeyizheng.queries.decisions import questions_for
from yiyeyizheng.services import assistance as services
from yiyeyizheng.services.applications import prefill, tickable


@login_required
@require_http_methods(["GET", "POST"])
def assistance_list(request):
    """The applicant's requests with the form to ask; the window's district queue."""
    user = request.user
    if not (is_enterprise(user) or is_window_clerk(user)):
        raise Http404
    form = None
    if is_enterprise(user):
        require(user, "yiyeyizheng.request_assistance")
        form = AssistanceRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.request_assistance(acting_user=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已申请帮办代办，窗口工作人员将与您联系并代为填写申请。")
                return redirect("yiyeyizheng:assistance_list")
    else:
        require(user, "yiyeyizheng.assist")
        if request.method == "POST":
            raise Http404
    requests = AssistanceRequest.objects.visible_to(user).select_related(
        "entity", "business_format", "application", "clerk"
    )
    return render(request, "yiyeyizheng/assistance_list.html", {"form": form, "requests": requests})


def _visible(request, pk: int) -> AssistanceRequest:
    return get_object_or_404(
        AssistanceRequest.objects.visible_to(request.user).select_related(
            "entity", "business_format", "application", "requested_by", "clerk"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assistance_detail(request, pk: int):
    """The window form for the clerk; the state and the way on for the applicant."""
    assistance = _visible(request, pk)
    user = request.user
    form = None
    if assistance.is_clerk_of(user):
        require(user, "yiyeyizheng.assist")
        business_format = BusinessFormat.objects.with_items().get(pk=assistance.business_format_id)
        application = assistance.application
        decisions = application.decisions if application else []
        optional = [d for d in decisions if tickable(d)]
        if application:
            initial = {
                **application.form_data,
                **application.answers,
                "uscc": application.entity_uscc,
                "chosen_optional": [str(d["item_id"]) for d in optional if d["chosen"]],
            }
        else:
            initial = {**prefill(assistance.entity), "contact_phone": assistance.contact_phone}
        form = AssistedApplicationForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            questions=questions_for(business_format),
            optional_items=optional,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.draft_on_behalf(
                    acting_user=user,
                    assistance=assistance,
                    uscc=form.cleaned_data["uscc"],
                    form_data={field: form.cleaned_data[field] for field in FORM_FIELDS},
                    answers=request.POST,
                    chosen_optional=form.cleaned_data.get("chosen_optional") or (),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "已保存代填的申请。核对无误后请交申请人确认签署。")
                return redirect("yiyeyizheng:assistance_detail", pk=assistance.pk)
    elif request.method == "POST":
        raise PermissionDenied("只有本区窗口人员可以代为填写。")
    else:
        require(user, "yiyeyizheng.request_assistance")
    return render(
        request,
        "yiyeyizheng/assistance_detail.html",
        {
            "assistance": assistance,
            "form": form,
            "is_clerk": assistance.is_clerk_of(user),
            "is_applicant": assistance.is_entity_user(user),
            "missing": assistance.application.missing() if assistance.application else [],
        },
    )


@login_required
@require_POST
def assistance_hand_over(request, pk: int):
    assistance = _visible(request, pk)
    require(request.user, "yiyeyizheng.assist")
    try:
        services.hand_over(acting_user=request.user, assistance=assistance)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "已交申请人确认签署。")
    return redirect("yiyeyizheng:assistance_detail", pk=assistance.pk)


@login_required
@require_POST
def assistance_cancel(request, pk: int):
    assistance = _visible(request, pk)
    require(request.user, "yiyeyizheng.request_assistance")
    try:
        services.cancel_assistance(acting_user=request.user, assistance=assistance)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "已取消帮办代办。")
    return redirect("yiyeyizheng:assistance_list")
