from django.urls import path

from mingchu import views, views_reports, views_stores

app_name = "mingchu"

urlpatterns = [
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:pk>/adjust/", views.quota_adjust, name="quota_adjust"),
    path("stores/", views_stores.store_list, name="store_list"),
    path("stores/<int:pk>/advance/", views_stores.store_advance, name="store_advance"),
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/open/", views_reports.report_open, name="report_open"),
    path("reports/<int:pk>/", views_reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/review/", views_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/export/", views_reports.report_export, name="report_export"),
    path("reports/<int:year>/<int:month>/", views_reports.report_month, name="report_month"),
]
