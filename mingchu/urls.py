from django.urls import path

from mingchu import (
    views,
    views_dashboards,
    views_import,
    views_public,
    views_reports,
    views_rollup,
    views_store_detail,
    views_stores,
)

app_name = "mingchu"

urlpatterns = [
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:pk>/adjust/", views.quota_adjust, name="quota_adjust"),
    path("quotas/new/", views.quota_year_new, name="quota_year_new"),
    path("stores/", views_stores.store_list, name="store_list"),
    path("stores/<int:pk>/advance/", views_stores.store_advance, name="store_advance"),
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/open/", views_reports.report_open, name="report_open"),
    path("reports/<int:pk>/", views_reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/review/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/export/", views_reports.report_export, name="report_export"),
    path("reports/<int:year>/<int:month>/", views_reports.report_month, name="report_month"),
    path("rollup/", views_rollup.rollup_latest, name="rollup"),
    path("rollup/<int:year>/<int:month>/", views_rollup.rollup_period, name="rollup"),
    path("rollup/<int:year>/<int:month>/build/", views_rollup.rollup_build, name="rollup_build"),
    path("rollup/<int:year>/<int:month>/pdf/", views_rollup.rollup_pdf, name="rollup_pdf"),
    path("dashboard/", views_dashboards.city_dashboard, name="city_dashboard"),
    path(
        "dashboard/<str:district_code>/",
        views_dashboards.district_dashboard,
        name="district_dashboard",
    ),
    path("stores/<int:pk>/", views_store_detail.store_detail, name="store_detail"),
    path("stores/import/", views_import.store_import, name="store_import"),
    path("stores/export.xlsx", views_import.store_export, name="store_export"),
    path("demo-stores/", views_public.public_store_list, name="public_store_list"),
    path("demo-stores/<int:pk>/", views_public.public_store_detail, name="public_store_detail"),
]
