from django.urls import path

from licensing.views import bulk, entities, suppliers

app_name = "licensing"

urlpatterns = [
    path("entities/", entities.entity_list, name="entity_list"),
    path("entities/new/", entities.entity_create, name="entity_create"),
    path("entities/<int:pk>/", entities.entity_detail, name="entity_detail"),
    path("entities/<int:pk>/change/", entities.entity_change, name="entity_change"),
    path("entities/<int:pk>/end/", entities.entity_end, name="entity_end"),
    path(
        "entities/<int:pk>/food-licences/new/",
        entities.food_licence_create,
        name="food_licence_create",
    ),
    path(
        "food-licences/<int:pk>/change/", entities.food_licence_change, name="food_licence_change"
    ),
    path(
        "food-licences/<int:pk>/cancel/", entities.food_licence_cancel, name="food_licence_cancel"
    ),
    path("my-entity/", entities.my_entity, name="my_entity"),
    path("suppliers/", suppliers.supplier_list, name="supplier_list"),
    path("suppliers/<int:pk>/remove/", suppliers.supplier_remove, name="supplier_remove"),
    path("bulk-checks/", bulk.bulkcheck_list, name="bulkcheck_list"),
    path("bulk-checks/<int:pk>/", bulk.bulkcheck_detail, name="bulkcheck_detail"),
    path("bulk-checks/<int:pk>/status/", bulk.bulkcheck_status, name="bulkcheck_status"),
    path("bulk-checks/<int:pk>/result/", bulk.bulkcheck_result, name="bulkcheck_result"),
]
