"""District quotas of demo restaurants (附件1), readable by city and district officers."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mingchu.models import DemoStore, DistrictQuota, QuotaChange
from mingchu.services import adjust_quota
from portal.forms import add_service_errors
from portal.models import Role

READERS = {Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.ADMINISTRATOR}
DEFAULT_YEAR = 2022


class AdjustForm(forms.Form):
    food_court = forms.IntegerField(label="美食广场示范店数量", min_value=0)
    other_areas = forms.IntegerField(label="其他区域示范店数量", min_value=0)
    reason = forms.CharField(label="调整原因", max_length=200)


@login_required
def quota_list(request):
    if request.user.role not in READERS and not request.user.is_superuser:
        raise Http404
    try:
        year = int(request.GET.get("year", DEFAULT_YEAR))
    except ValueError as error:
        raise Http404 from error
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
            "can_adjust": request.user.role == Role.CITY_OFFICER,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quota_adjust(request, pk):
    if request.user.role != Role.CITY_OFFICER:
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
