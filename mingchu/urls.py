from django.urls import path

from mingchu.views import (
    acceptance,
    corrections,
    dashboards,
    imports,
    public,
    quotas,
    reports,
    rollups,
    store_detail,
    stores,
)

app_name = "mingchu"

urlpatterns = [
    path("quotas/", quotas.quota_list, name="quota_list"),
    path("quotas/<int:pk>/adjust/", quotas.quota_adjust, name="quota_adjust"),
    path("quotas/new/", quotas.quota_year_new, name="quota_year_new"),
    path("quotas/deadline/", quotas.deadline_set, name="deadline_set"),
    path("stores/", stores.store_list, name="store_list"),
    path("stores/<int:pk>/advance/", stores.store_advance, name="store_advance"),
    path("stores/<int:pk>/correct/", corrections.store_correct, name="store_correct"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/open/", reports.report_open, name="report_open"),
    path("reports/<int:pk>/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/review/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/export/", reports.report_export, name="report_export"),
    path(
        "reports/<int:pk>/versions/<int:number>/stores/",
        reports.report_version_stores,
        name="report_version_stores",
    ),
    path(
        "reports/<int:pk>/versions/<int:number>/stores.xlsx",
        reports.report_version_stores_export,
        name="report_version_stores_export",
    ),
    path("reports/<int:year>/<int:month>/", reports.report_month, name="report_month"),
    path("rollup/", rollups.rollup_latest, name="rollup"),
    path("rollup/<int:year>/<int:month>/", rollups.rollup_period, name="rollup"),
    path("rollup/<int:year>/<int:month>/build/", rollups.rollup_build, name="rollup_build"),
    path("rollup/<int:year>/<int:month>/pdf/", rollups.rollup_pdf, name="rollup_pdf"),
    path("dashboard/", dashboards.city_dashboard, name="city_dashboard"),
    path(
        "dashboard/<str:district_code>/",
        dashboards.district_dashboard,
        name="district_dashboard",
    ),
    path("stores/<int:pk>/", store_detail.store_detail, name="store_detail"),
    path("stores/import/", imports.store_import, name="store_import"),
    path("stores/export.xlsx", imports.store_export, name="store_export"),
    path("acceptance/", acceptance.acceptance_latest, name="acceptance_latest"),
    path("acceptance/<int:year>/", acceptance.acceptance_year, name="acceptance"),
    path("acceptance/<int:year>/district/", acceptance.assessment_own, name="assessment_own"),
    path("acceptance/<int:year>/start/", acceptance.acceptance_start, name="acceptance_start"),
    path(
        "acceptance/<int:year>/conclude/",
        acceptance.acceptance_conclude,
        name="acceptance_conclude",
    ),
    path("acceptance/<int:year>/summary.pdf", acceptance.acceptance_pdf, name="acceptance_pdf"),
    path(
        "acceptance/assessments/<int:pk>/", acceptance.assessment_detail, name="assessment_detail"
    ),
    path(
        "acceptance/attachments/<int:pk>/",
        acceptance.attachment_download,
        name="attachment_download",
    ),
    path("demo-stores/", public.public_store_list, name="public_store_list"),
    path("demo-stores/<int:pk>/", public.public_store_detail, name="public_store_detail"),
]
