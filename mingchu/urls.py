from django.urls import path

from mingchu import views, views_stores

app_name = "mingchu"

urlpatterns = [
    path("quotas/", views.quota_list, name="quota_list"),
    path("quotas/<int:pk>/adjust/", views.quota_adjust, name="quota_adjust"),
    path("stores/", views_stores.store_list, name="store_list"),
    path("stores/<int:pk>/advance/", views_stores.store_advance, name="store_advance"),
]
