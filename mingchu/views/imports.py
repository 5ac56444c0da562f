"""附件4 统计表: district officers import it (all or nothing); officers export it as .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mingchu.forms.imports import ImportForm
from mingchu.models import DemoStore, DistrictQuota, ProjectDeadline
from mingchu.queries.rollups import area_summary, registry_rows, sum_rows
from mingchu.queries.stores import store_table_row
from mingchu.services.imports import (
    MAX_BYTES,
    StoreImportError,
    export_store_table,
    import_store_table,
    read_store_table,
)
from mingchu.views.common import require_reader, selected_year
from portal import tabular
from portal.forms import add_service_errors
from portal.models import District
from portal.permissions import allows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def store_import(request):
    if not allows(request.user, "mingchu.register_stores"):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = tabular.upload_bytes(upload, max_bytes=MAX_BYTES)
            rows = read_store_table(upload.name, data)
            summary = import_store_table(acting_user=request.user, rows=rows)
        except StoreImportError as error:
            row_errors = error.row_errors
            form.add_error(None, f"有 {len(row_errors)} 处错误，未导入任何数据。请修改后重新上传。")
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            messages.success(
                request,
                f"已导入 {summary['rows']} 行：新登记 {summary['registered']} 家，"
                f"更新 {summary['updated']} 家，推进建设进度 {summary['advanced']} 次。",
            )
            _warn_expected_after_deadline(request)
            return redirect("mingchu:store_list")
    status = 400 if form.errors else 200
    context = {"form": form, "row_errors": row_errors}
    return render(request, "mingchu/demostore_import.html", context, status=status)


def _warn_expected_after_deadline(request) -> None:
    """After an import: the district's stores of the project year expected after the year's
    deadline are accepted, with the plan's words as a warning."""
    year = DistrictQuota.objects.project_year()
    deadline = ProjectDeadline.objects.for_year(year)
    late = (
        DemoStore.objects.filter(district_id=request.user.district_id, year=year)
        .expected_after(deadline)
        .count()
    )
    if late:
        messages.warning(
            request,
            f"本区有 {late} 家示范店预计完成时间晚于对接上线期限（{deadline:%Y年%m月%d日}）："
            f"原则上，入网餐饮服务经营者应于{deadline.month}月{deadline.day}日前完成视频监控安装"
            "和平台对接上线。",
        )


@login_required
def store_export(request):
    user = require_reader(request)
    year = selected_year(request)
    stores = DemoStore.objects.visible_to(user).filter(year=year).select_related("district")
    if user.is_city_wide:
        code = request.GET.get("district", "")
        district = District.objects.filter(code=code).first() if code else None
        if district is not None:
            stores = stores.filter(district=district)
        label = district.name if district else "全市"
    else:
        label, code = user.district.name, user.district_id
    deadline = ProjectDeadline.objects.for_year(year)
    stores = stores.order_by("district__sort_order", "id").with_overdue(deadline=deadline)
    figures = registry_rows(year=year, district_id=code or None)
    summary = area_summary(sum_rows(figures) if not code else (figures or [None])[0])
    response = HttpResponse(
        export_store_table(
            [store_table_row(store, overdue=store.overdue) for store in stores],
            district_label=label,
            summary=summary,
        ),
        content_type=XLSX,
    )
    name = f"demo-stores-{year}-{code or 'all'}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
