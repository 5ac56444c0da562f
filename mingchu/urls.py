from django.urls import path

from mingchu import views, views_import, views_public, views_store_detail, views_stores

app_name = "mingchu"

urlpatterns = [
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:pk>/adjust/", views.quota_adjust, name="quota_adjust"),
    path("stores/", views_stores.store_list, name="store_list"),
    path("stores/<int:pk>/advance/", views_stores.store_advance, name="store_advance"),
    path("stores/<int:pk>/", views_store_detail.store_detail, name="store_detail"),
    path("stores/import/", views_import.store_import, name="store_import"),
    path("stores/export.xlsx", views_import.store_export, name="store_export"),
    path("demo-stores/", views_public.public_store_list, name="public_store_list"),
    path("demo-stores/<int:pk>/", views_public.public_store_detail, name="public_store_detail"),
]
