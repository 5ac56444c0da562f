from django.urls import path

from mingchu import views, views_dashboards, views_rollup, views_stores

app_name = "mingchu"

urlpatterns = [
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:pk>/adjust/", views.quota_adjust, name="quota_adjust"),
    path("stores/", views_stores.store_list, name="store_list"),
    path("stores/<int:pk>/advance/", views_stores.store_advance, name="store_advance"),
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
]
