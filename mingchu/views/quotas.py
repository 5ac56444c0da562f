"""District quotas of demo restaurants (附件1), readable by city and district officers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mingchu.forms.quotas import AdjustForm, DeadlineForm, YearQuotaForm
from mingchu.models import DemoStore, DistrictQuota, ProjectDeadline, QuotaChange
from mingchu.services import adjust_quota, set_project_deadline, set_year_quotas
from mingchu.views.common import require_reader, selected_year
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.models import District
from portal.permissions import allows

#: Setting a year's quotas is answered once per form token (portal.idempotency).
NEW_YEAR = "mingchu.quota.new_year"


@login_required
def quota_list(request):
    require_reader(request)
    year = selected_year(request)
    quotas = list(
        DistrictQuota.objects.visible_to(request.user)
        .for_year(year)
        .prefetch_related(
            Prefetch("changes", queryset=QuotaChange.objects.select_related("changed_by"))
        )
    )
    selected = dict(
        DemoStore.objects.visible_to(request.user)
        .filter(year=year)
        .values_list("district_id")
        .annotate(n=Count("id"))
    )
    for quota in quotas:
        quota.selected = selected.get(quota.district_id, 0)
    totals = (
        DistrictQuota.objects.visible_to(request.user)
        .filter(year=year)
        .aggregate(food_court=Sum("food_court"), other_areas=Sum("other_areas"))
    )
    return render(
        request,
        "mingchu/districtquota_list.html",
        {
            "quotas": quotas,
            "year": year,
            "totals": totals,
            "total": (totals["food_court"] or 0) + (totals["other_areas"] or 0),
            "can_adjust": allows(request.user, "mingchu.set_quotas"),
            "years": DistrictQuota.objects.years(),
            "deadline": (deadline := ProjectDeadline.objects.for_year(year)),
            "deadline_form": (
                DeadlineForm(initial={"year": year, "due_on": deadline})
                if request.user.has_perm("mingchu.set_deadline")
                else None
            ),
        },
    )


@login_required
@require_POST
def deadline_set(request):
    """A city officer sets the year's 对接上线期限."""
    if not request.user.has_perm("mingchu.set_deadline"):
        raise Http404
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("mingchu:quota_list")
    year = form.cleaned_data["year"]
    try:
        deadline = set_project_deadline(
            acting_user=request.user, year=year, due_on=form.cleaned_data["due_on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{year}年对接上线期限为{deadline.due_on:%Y年%m月%d日}。")
    return redirect(f"{reverse('mingchu:quota_list')}?year={year}")


@login_required
@require_http_methods(["GET", "POST"])
def quota_adjust(request, pk):
    if not allows(request.user, "mingchu.set_quotas"):
        raise Http404
    quota = get_object_or_404(DistrictQuota.objects.select_related("district"), pk=pk)
    form = AdjustForm(
        request.POST or None,
        initial={"food_court": quota.food_court, "other_areas": quota.other_areas},
    )
    if request.method == "POST" and form.is_valid():
        try:
            adjust_quota(acting_user=request.user, quota=quota, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{quota.district}的布点已调整。")
            return redirect(f"{reverse('mingchu:quota_list')}?year={quota.year}")
    return render(request, "mingchu/districtquota_adjust.html", {"form": form, "quota": quota})


@login_required
@require_http_methods(["GET", "POST"])
def quota_year_new(request):
    """City officers set a new year's quotas for every district at once (设定年度布点)."""
    if not allows(request.user, "mingchu.set_quotas"):
        raise Http404
    if request.method == "POST" and (replay := replay_form(request, action=NEW_YEAR)):
        return replay
    latest_year = DistrictQuota.objects.project_year()
    latest = {
        q.district_id: (q.food_court, q.other_areas)
        for q in DistrictQuota.objects.filter(year=latest_year)
    }
    form = YearQuotaForm(
        request.POST or None,
        districts=list(District.objects.all()),
        latest=latest,
        initial={"year": latest_year + 1},
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            once = submit_form_once(
                request,
                action=NEW_YEAR,
                create=lambda: set_year_quotas(
                    acting_user=request.user,
                    year=year,
                    quotas=form.quotas(),
                    reason=form.cleaned_data["reason"],
                ),
                url=lambda _: f"{reverse('mingchu:quota_list')}?year={year}",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not once.replayed:
                messages.success(request, f"{year}年各区布点已设定。")
            return redirect(once.url)
    return render(
        request, "mingchu/districtquota_new.html", {"form": form, "latest_year": latest_year}
    )
