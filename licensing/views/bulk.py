"""Bulk merchant check pages for enterprise users (platforms, markets, canteens)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from elicense.permissions import require
from licensing.api import xlsx_response
from licensing.forms.bulk import UploadForm
from licensing.models import BulkCheck, BulkCheckStatus
from licensing.services import create_bulk_check
from portal import tabular
from portal.access import require_enterprise
from portal.forms import add_service_errors
from portal.forms.queues import QueueFilterForm
from portal.idempotency import replay_form, submit_form_once
from portal.queries.queues import filter_queue

#: Uploads are answered once per form token (portal.idempotency).
UPLOAD = "licensing.bulk_check.upload"


def _require_checker(request):
    """An enterprise user (404 for anyone else) with ``licensing.run_bulk_check`` (403)."""
    require(require_enterprise(request), "licensing.run_bulk_check")


def _own(request, pk) -> BulkCheck:
    return get_object_or_404(BulkCheck.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def bulkcheck_list(request):
    _require_checker(request)
    if request.method == "POST" and (replay := replay_form(request, action=UPLOAD)):
        return replay
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = tabular.upload_bytes(upload, max_bytes=settings.BULK_CHECK_MAX_BYTES)
            once = submit_form_once(
                request,
                action=UPLOAD,
                create=lambda: create_bulk_check(
                    file_name=upload.name, data=data, acting_user=request.user
                ),
                url=lambda check: reverse("licensing:bulkcheck_detail", args=[check.pk]),
            )
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            return redirect(once.url)
    filter_form = QueueFilterForm(
        request.GET or None, statuses=BulkCheckStatus.choices, placeholder="文件名"
    )
    checks = filter_queue(
        BulkCheck.objects.visible_to(request.user).defer("source", "result"),
        filter_form,
        search=("file_name",),
    )[:20]
    return render(
        request,
        "licensing/bulkcheck_list.html",
        {"form": form, "checks": checks, "filter_form": filter_form},
    )


@login_required
def bulkcheck_detail(request, pk):
    _require_checker(request)
    return render(request, "licensing/bulkcheck_detail.html", {"check": _own(request, pk)})


@login_required
def bulkcheck_status(request, pk):
    _require_checker(request)
    check = _own(request, pk)
    return JsonResponse(
        {
            "status": check.status,
            "label": check.get_status_display(),
            "progress": check.progress,
            "done_rows": check.done_rows,
            "total_rows": check.total_rows,
            "summary": check.summary,
            "error": check.error,
        }
    )


@login_required
def bulkcheck_result(request, pk):
    _require_checker(request)
    check = _own(request, pk)
    if check.status != BulkCheckStatus.DONE:
        raise Http404("结果尚未生成。")
    return xlsx_response(check)
