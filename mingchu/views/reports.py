"""Monthly district reports (附件3): district officers file them, the city reviews them."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mingchu.forms.reports import OpenForm, ReportForm, ReturnForm
from mingchu.models import DemoStore, MonthlyReport, ProjectDeadline, ReportStatus, ReportVersion
from mingchu.queries.reports import FIGURES, as_of, due_at, past_due, registry_figures
from mingchu.services.imports import export_store_table
from mingchu.services.reports import (
    open_report,
    return_report,
    save_and_submit_report,
    save_report,
)
from mingchu.views.common import check_period
from mingchu.views.report_xlsx import report_xlsx
from portal.forms import add_service_errors
from portal.forms.queues import QueueFilterForm
from portal.models import District
from portal.permissions import allows, is_district_bound_officer
from portal.queries.replica import reads_from_replica


def _visible_report(request, pk) -> MonthlyReport:
    if not allows(request.user, "mingchu.read"):
        raise Http404
    reports = MonthlyReport.objects.visible_to(request.user).select_related("district")
    return get_object_or_404(reports, pk=pk)


def _with_deadline(report: MonthlyReport, now) -> MonthlyReport:
    """Attach the due date and whether an unsubmitted report is already overdue."""
    report.due = report.due_at
    report.overdue = report.overdue_at(now)
    return report


def overdue_at_month_end(year: int, month: int, district_id: str | None = None) -> dict:
    """逾期未上线 stores per district at the month's end (one grouped query), and the year's
    deadline: what the report pages flag."""
    deadline = ProjectDeadline.objects.for_year(year)
    stores = DemoStore.objects.filter(year=year)
    if district_id is not None:
        stores = stores.filter(district_id=district_id)
    return {
        "deadline": deadline,
        "counts": stores.overdue_by_district(deadline=deadline, on=as_of(year, month)),
    }


def _label(field: str) -> str:
    """A 附件3 figure's heading, as the model names it."""
    return MonthlyReport._meta.get_field(field).verbose_name


def _figures(values: dict, registry: dict) -> list[dict]:
    return [
        {
            "field": field,
            "label": _label(field),
            "value": values.get(field),
            "registry": registry.get(field),
            "differs": registry.get(field) != values.get(field),
        }
        for field in FIGURES
    ]


def _overdue(report: MonthlyReport) -> dict:
    found = overdue_at_month_end(report.year, report.month, report.district_id)
    return {"deadline": found["deadline"], "count": found["counts"].get(report.district_id, 0)}


def _versions(report: MonthlyReport) -> list[dict]:
    """Every submitted version as it was, with its figures against the registry then."""
    return [
        {
            "version": version,
            "content": version.content,
            "late": report.late_at(version.submitted_at),
            "figures": _figures(version.content, version.content.get("registry", {})),
            "overdue": sum(1 for row in version.stores if row.get("overdue")),
        }
        for version in report.versions.select_related("submitted_by").order_by("-number")
    ]


@login_required
def report_list(request):
    """District officers: their reports by month. City: the months, each to its overview."""
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    if is_district_bound_officer(user):
        reports = [
            _with_deadline(report, now)
            for report in MonthlyReport.objects.visible_to(user).select_related("district")
        ]
        current = next((r for r in reports if (r.year, r.month) == (today.year, today.month)), None)
        return render(
            request,
            "mingchu/monthlyreport_list.html",
            {
                "reports": reports,
                "today": today,
                "current": current,
                "open_form": OpenForm(initial={"month": today.replace(day=1)}),
            },
        )
    if not user.is_city_wide:
        raise Http404
    months = list(
        MonthlyReport.objects.visible_to(user)
        .order_by()
        .values("year", "month")
        .annotate(
            opened=Count("pk"),
            submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            late=Count("pk", filter=Q(is_late=True)),
        )
        .order_by("-year", "-month")
    )
    if not any((m["year"], m["month"]) == (today.year, today.month) for m in months):
        months.insert(
            0, {"year": today.year, "month": today.month, "opened": 0, "submitted": 0, "late": 0}
        )
    for month in months:
        month["due"] = due_at(month["year"], month["month"])
    return render(
        request,
        "mingchu/monthlyreport_months.html",
        {"months": months, "district_count": District.objects.count()},
    )


@login_required
@require_POST
def report_open(request):
    """Open the district's report for the current month, or for the month chosen."""
    if not is_district_bound_officer(request.user):
        raise Http404
    if "month" in request.POST:
        form = OpenForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["month"]))
            return redirect("mingchu:report_list")
        month = form.cleaned_data["month"]
    else:
        month = timezone.localdate()
    try:
        report = open_report(acting_user=request.user, year=month.year, month=month.month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mingchu:report_list")
    return redirect("mingchu:report_edit", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    """The 附件3 form: 保存 keeps a draft, 上报 saves and submits; read-only once submitted."""
    if not is_district_bound_officer(request.user):
        raise Http404
    report = _visible_report(request, pk)
    locked = report.status == ReportStatus.SUBMITTED
    form = None
    if not locked:
        form = ReportForm(
            request.POST or None, instance=report, initial={"version": report.version}
        )
    if request.method == "POST" and form is not None and form.is_valid():
        saved = None
        edit = {"report": report, "expected_version": form.cleaned_data["version"]}
        try:
            if request.POST.get("action") == "submit":
                outcome = save_and_submit_report(acting_user=request.user, **edit, **form.changes())
                saved = outcome.report
                if outcome.refusal is not None:
                    raise outcome.refusal
            else:
                saved = save_report(acting_user=request.user, **edit, **form.changes())
        except ValidationError as error:
            if saved is not None:  # the draft was saved; only the submission was refused
                data = request.POST.copy()
                data["version"] = saved.version
                form = ReportForm(data, instance=saved)
                form.is_valid()
            add_service_errors(form, error)
        else:
            if saved.status == ReportStatus.SUBMITTED:
                late = "（逾期上报）" if saved.is_late else ""
                messages.success(request, f"{saved}报表已上报{late}。")
            else:
                messages.success(request, "报表已保存。")
            return redirect("mingchu:report_edit", pk=saved.pk)
    if request.method == "POST" and locked:
        messages.error(request, "报表已上报，已锁定；如需修改请市局退回。")
    report = _with_deadline(
        MonthlyReport.objects.select_related("district").get(pk=pk), timezone.now()
    )
    if report.status == ReportStatus.SUBMITTED:
        registry = report.registry
    else:  # a draft shows the registry at the month's end; saving and submitting refresh it
        registry = registry_figures(
            district_id=report.district_id, year=report.year, month=report.month
        )
    return render(
        request,
        "mingchu/monthlyreport_edit.html",
        {
            "report": report,
            "form": form,
            "registry": registry,
            "figures": _figures({f: getattr(report, f) for f in FIGURES}, registry),
            "versions": _versions(report),
            "overdue": _overdue(report),
        },
    )


@login_required
def report_month(request, year, month):
    """City overview: every district's report for the month, differences flagged."""
    if not request.user.is_city_wide:
        raise Http404
    check_period(year, month)
    now = timezone.now()
    reports = {
        report.district_id: _with_deadline(report, now)
        for report in MonthlyReport.objects.visible_to(request.user).filter(year=year, month=month)
    }
    filter_form = QueueFilterForm(
        request.GET or None,
        statuses=[("missing", "未填报"), *ReportStatus.choices],
        placeholder="区名",
    )
    wanted = filter_form.cleaned_data if filter_form.is_valid() else {}
    overdue = overdue_at_month_end(year, month)
    rows = []
    districts = list(District.objects.all())
    for district in districts:
        report = reports.get(district.pk)
        if wanted.get("q") and wanted["q"].strip() not in district.name:
            continue
        if wanted.get("status") and wanted["status"] != (report.status if report else "missing"):
            continue
        differences = report.differences() if report else {}
        rows.append(
            {
                "district": district,
                "report": report,
                "overdue": overdue["counts"].get(district.pk, 0),
                "differences": [
                    (_label(field), registered, reported)
                    for field, (registered, reported) in differences.items()
                ],
            }
        )
    due = due_at(year, month)
    return render(
        request,
        "mingchu/monthlyreport_month.html",
        {
            "rows": rows,
            "year": year,
            "month": month,
            "due": due,
            "overdue": past_due(year, month, now),
            "deadline": overdue["deadline"],
            "submitted": sum(1 for r in reports.values() if r.status == ReportStatus.SUBMITTED),
            "filter_form": filter_form,
            "district_count": len(districts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    """One report as the city reads it, with its history; city officers 退回修改 here."""
    report = _visible_report(request, pk)
    can_return = (
        allows(request.user, "mingchu.return_report") and report.status == ReportStatus.SUBMITTED
    )
    form = ReturnForm(request.POST or None) if can_return else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                report = return_report(
                    acting_user=request.user, report=report, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{report}报表已退回修改。")
                return redirect("mingchu:report_detail", pk=report.pk)
    report = _with_deadline(report, timezone.now())
    return render(
        request,
        "mingchu/monthlyreport_detail.html",
        {
            "report": report,
            "form": form,
            "figures": _figures({f: getattr(report, f) for f in FIGURES}, report.registry),
            "versions": _versions(report),
            "overdue": _overdue(report),
        },
    )


@login_required
@reads_from_replica
def report_export(request, pk):
    """The report as .xlsx in the 附件3 layout."""
    report = _visible_report(request, pk)
    name = f"附件3_{report.district.short_name}_{report.year}年{report.month}月.xlsx"
    return FileResponse(
        io.BytesIO(report_xlsx(report)),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _version(request, pk, number) -> ReportVersion:
    report = _visible_report(request, pk)
    version = get_object_or_404(report.versions.select_related("submitted_by"), number=number)
    version.report = report
    return version


@login_required
def report_version_stores(request, pk, number):
    """The 附件4 table submitted with a version of the report, as it was submitted."""
    version = _version(request, pk, number)
    return render(
        request,
        "mingchu/monthlyreport_stores.html",
        {
            "report": version.report,
            "version": version,
            "rows": version.stores,
            "overdue": sum(1 for row in version.stores if row.get("overdue")),
            "deadline": ProjectDeadline.objects.for_year(version.report.year),
        },
    )


@login_required
def report_version_stores_export(request, pk, number):
    """That version's 附件4 table as .xlsx, in the same layout as the registry's export."""
    version = _version(request, pk, number)
    report = version.report
    label = f"{report.district.name}（{report.year}年{report.month}月 第{version.number}版）"
    name = (
        f"附件4_{report.district.short_name}_{report.year}年{report.month}月"
        f"_第{version.number}版.xlsx"
    )
    return FileResponse(
        io.BytesIO(export_store_table(version.stores, district_label=label)),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
