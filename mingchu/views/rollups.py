"""The city roll-up (全市汇总): a period's stored revisions, 立即汇总, and the summary PDF.

City officers and administrators only; anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mingchu.models import CityRollup
from mingchu.queries.rollups import latest_period, previous_month, rollup_for, stored_periods
from mingchu.services.rollups import build_city_rollup
from mingchu.views.common import check_period
from mingchu.views.rollup_display import summary_context
from mingchu.views.rollup_pdf import render_rollup_pdf
from portal.queries.replica import reads_from_replica


def _require_city(user):
    if not user.is_city_wide:
        raise Http404


def _revision(request) -> int | None:
    value = request.GET.get("revision")
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as error:
        raise Http404 from error


@login_required
@reads_from_replica
def rollup_latest(request):
    """The latest period with a roll-up (or last month); ?year=&month= picks a period."""
    _require_city(request.user)
    if "year" in request.GET or "month" in request.GET:
        try:
            year, month = int(request.GET.get("year")), int(request.GET.get("month"))
        except (TypeError, ValueError) as error:
            raise Http404 from error
        check_period(year, month)
        return redirect("mingchu:rollup", year, month)
    year, month = latest_period() or previous_month(timezone.localdate())
    return _render(request, year, month)


@login_required
@reads_from_replica
def rollup_period(request, year, month):
    _require_city(request.user)
    check_period(year, month)
    return _render(request, year, month)


def _render(request, year, month):
    revision = _revision(request)
    rollup = rollup_for(year, month, revision)
    if revision is not None and rollup is None:
        raise Http404("没有该修订版本。")
    revisions = list(
        CityRollup.objects.visible_to(request.user)
        .filter(year=year, month=month)
        .order_by("-revision")
        .values("revision", "built_at", "built_by__username")
    )
    context = {
        "year": year,
        "month": month,
        "rollup": rollup,
        "revisions": revisions,
        "periods": stored_periods(),
        "is_latest": rollup is not None and rollup.revision == revisions[0]["revision"],
    }
    if rollup is not None:
        context |= summary_context(rollup)
    return render(request, "mingchu/cityrollup_detail.html", context)


@login_required
@require_POST
def rollup_build(request, year, month):
    """立即汇总: build a new revision now and show it."""
    _require_city(request.user)
    check_period(year, month)
    try:
        rollup = build_city_rollup(acting_user=request.user, year=year, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mingchu:rollup", year, month)
    messages.success(request, f"已生成{rollup}汇总。")
    return redirect(f"{reverse('mingchu:rollup', args=[year, month])}?revision={rollup.revision}")


@login_required
@reads_from_replica
def rollup_pdf(request, year, month):
    """The city summary as a PDF (table and charts), for a revision or the latest one."""
    _require_city(request.user)
    check_period(year, month)
    rollup = rollup_for(year, month, _revision(request))
    if rollup is None:
        raise Http404("该期尚未汇总。")
    response = HttpResponse(render_rollup_pdf(rollup), content_type="application/pdf")
    filename = f"mingchu-rollup-{year}-{month:02d}-r{rollup.revision}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
