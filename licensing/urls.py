from django.urls import path

from licensing import views, views_bulk, views_suppliers

app_name = "licensing"

urlpatterns = [
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/new/", views.entity_create, name="entity_create"),
    path("entities/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("entities/<int:pk>/change/", views.entity_change, name="entity_change"),
    path("entities/<int:pk>/end/", views.entity_end, name="entity_end"),
    path(
        "entities/<int:pk>/food-licences/new/",
        views.food_licence_create,
        name="food_licence_create",
    ),
    path("food-licences/<int:pk>/change/", views.food_licence_change, name="food_licence_change"),
    path("food-licences/<int:pk>/cancel/", views.food_licence_cancel, name="food_licence_cancel"),
    path("my-entity/", views.my_entity, name="my_entity"),
    path("suppliers/", views_suppliers.supplier_list, name="supplier_list"),
    path("suppliers/<int:pk>/remove/", views_suppliers.supplier_remove, name="supplier_remove"),
    path("bulk-checks/", views_bulk.bulkcheck_list, name="bulkcheck_list"),
    path("bulk-checks/<int:pk>/", views_bulk.bulkcheck_detail, name="bulkcheck_detail"),
    path("bulk-checks/<int:pk>/status/", views_bulk.bulkcheck_status, name="bulkcheck_status"),
    path("bulk-checks/<int:pk>/result/", views_bulk.bulkcheck_result, name="bulkcheck_result"),
]
