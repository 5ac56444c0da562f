"""Progress dashboards (进度看板): the live registry against the quotas, charts as SVG.

The city dashboard is for city-wide users (a district officer is sent to their district's);
a district dashboard for city-wide users and that district's officers; anyone else 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from mingchu.models import MonthlyReport, ProjectDeadline
from mingchu.queries.rollups import (
    RegistryRow,
    progress_trend,
    registry_rows,
    sum_rows,
    with_figures,
)
from mingchu.views import charts
from mingchu.views.common import selected_year
from portal.models import District
from portal.permissions import allows, is_district_bound_officer
from portal.queries.replica import reads_from_replica


@login_required
@reads_from_replica
def city_dashboard(request):
    user = request.user
    if not user.is_city_wide:
        if is_district_bound_officer(user):
            return redirect("mingchu:district_dashboard", user.district_id)
        raise Http404
    year = selected_year(request)
    rows = registry_rows(year=year)
    for row in rows:
        row.dashboard_url = reverse("mingchu:district_dashboard", args=[row.district_code])
    totals = sum_rows(rows)
    trend = progress_trend(year=year, today=timezone.localdate())
    return render(
        request,
        "mingchu/dashboard_city.html",
        {
            "year": year,
            "rows": rows,
            "totals": totals,
            "deadline": ProjectDeadline.objects.for_year(year),
            "progress_chart": charts.progress_chart(
                rows, chart_id="city-progress", title=f"{year}年各区示范店布点与建设进度"
            ),
            "trend_chart": charts.trend_chart(
                trend,
                quota_total=totals.quota_total,
                chart_id="city-trend",
                title=f"{year}年全市示范店建设进度（各月末累计）",
            ),
        },
    )


@login_required
@reads_from_replica
def district_dashboard(request, district_code):
    user = request.user
    district = get_object_or_404(District, code=district_code)
    if not allows(user, "mingchu.read_district", district):
        raise Http404
    year = selected_year(request)
    rows = registry_rows(year=year, district_id=district.code)
    row = (
        rows[0]
        if rows
        else with_figures(
            RegistryRow(district_code=district.code, district_name=district.short_name), {}
        )
    )
    trend = progress_trend(year=year, today=timezone.localdate(), district_id=district.code)
    reports = MonthlyReport.objects.filter(district=district, year=year).order_by("month")
    return render(
        request,
        "mingchu/dashboard_district.html",
        {
            "year": year,
            "district": district,
            "row": row,
            "deadline": ProjectDeadline.objects.for_year(year),
            "reports": reports,
            "is_city_wide": user.is_city_wide,
            "progress_chart": charts.progress_chart(
                [row],
                chart_id="district-progress",
                title=f"{year}年{district}示范店布点与建设进度",
                width=560,
            ),
            "trend_chart": charts.trend_chart(
                trend,
                quota_total=row.quota_total,
                chart_id="district-trend",
                title=f"{year}年{district}示范店建设进度（各月末累计）",
                width=640,
            ),
        },
    )
