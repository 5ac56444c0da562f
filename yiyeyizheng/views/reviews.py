"""The window's queue (一口受理) and the departments' review pages (并联审批)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import add_service_errors
from portal.forms.queues import QueueFilterForm
from portal.queries.queues import filter_queue
from yiyeyizheng.forms.applications import NoticeForm, ReviewForm
from yiyeyizheng.models import Application, ApplicationStatus, ItemReview, ReviewStatus
from yiyeyizheng.permissions import is_review_desk, is_window_desk
from yiyeyizheng.queries.filings import filed_licences, uploaded_attachments
from yiyeyizheng.services import applications as services
from yiyeyizheng.services import reviews as review_services
from yiyeyizheng.views.applications import visible_application


def _require_role(request, predicate):
    if not predicate(request.user):
        raise Http404
    return request.user


@login_required
def clerk_queue(request):
    clerk = _require_role(request, is_window_desk)
    filter_form = QueueFilterForm(
        request.GET or None,
        statuses=[c for c in ApplicationStatus.choices if c[0] not in ("draft", "submitted")],
        placeholder="申请编号、主体名称或统一社会信用代码",
    )
    search = ("number", "entity_name", "entity_uscc")
    queue = filter_queue(
        Application.objects.queue_of(clerk).select_related("business_format"),
        filter_form, search=search, status_field=None,  # all waiting are 已提交
    )  # fmt: skip
    recent = filter_queue(
        Application.objects.visible_to(clerk).exclude(status__in=["submitted", "draft"])
        .select_related("business_format"),
        filter_form, search=search,
    ).order_by("-pk")[:50]  # fmt: skip
    return render(
        request,
        "yiyeyizheng/application_queue.html",
        {"queue": queue, "recent": recent, "filter_form": filter_form},
    )


@login_required
@require_POST
def application_accept(request, number: str):
    clerk = _require_role(request, is_window_desk)
    application = visible_application(request, number)
    try:
        services.accept_application(acting_user=clerk, application=application)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            f"已受理 {application.number}，事项已同步推送各审批部门。"
            "请在本页下载受理通知书交申请人。",
        )
    return redirect("yiyeyizheng:application_detail", application.number)


@login_required
@require_POST
def application_return(request, number: str):
    clerk = _require_role(request, is_window_desk)
    application = visible_application(request, number)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.return_application(
                acting_user=clerk, application=application, notice=form.cleaned_data["notice"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"已退回 {application.number}，补正告知已发送申请人。")
    else:
        messages.error(request, "请一次性写明需要补正的全部内容。")
    return redirect("yiyeyizheng:application_detail", application.number)


@login_required
def review_list(request):
    """The department's open items, overdue ones flagged, oldest due first; the items it
    decided; and, for a lead department (牵头部门), the applications of the formats it leads."""
    reviewer = _require_role(request, is_review_desk)
    filter_form = QueueFilterForm(
        request.GET or None,
        statuses=[c for c in ReviewStatus.choices if c[0] != ReviewStatus.PENDING],
        placeholder="申请编号、主体名称或事项名称",
    )
    mine = ItemReview.objects.visible_to(reviewer).select_related(
        "application", "department", "district"
    )
    found = filter_queue(
        mine,
        filter_form,
        search=("application__number", "application__entity_name", "permit_name"),
        status_field=None,
    )
    led = filter_queue(
        Application.objects.visible_to(reviewer)
        .filter(business_format__lead_department_id=reviewer.department_id)
        .select_related("business_format", "district"),
        filter_form,
        search=("number", "entity_name", "entity_uscc"),
        status_field=None,
    ).order_by("-accepted_at", "-pk")[:50]
    return render(
        request,
        "yiyeyizheng/itemreview_list.html",
        {
            "open": found.open().order_by("due_date", "pk"),
            "overdue_count": mine.overdue().count(),
            "done": filter_queue(found.exclude(status="pending"), filter_form, search=()).order_by(
                "-decided_at"
            )[:50],
            "led": led,
            "filter_form": filter_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    """One item of the department's: the application read-only, and the decision form."""
    reviewer = _require_role(request, is_review_desk)
    review = get_object_or_404(
        ItemReview.objects.visible_to(reviewer).select_related(
            "application__business_format", "department", "district"
        ),
        pk=pk,
    )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        action = {
            "approve": review_services.approve_item,
            "reject": review_services.reject_item,
            "correct": review_services.request_item_correction,
        }[form.cleaned_data["action"]]
        try:
            action(acting_user=reviewer, review=review, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"已办理：{review.permit_name}。")
            return redirect("yiyeyizheng:review_list")
    application = review.application
    return render(
        request,
        "yiyeyizheng/itemreview_detail.html",
        {
            "review": review,
            "application": application,
            "attachments": uploaded_attachments(application),
            "filed_licences": filed_licences(application),
            "form": form,
        },
    )
