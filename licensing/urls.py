from django.urls import path

from licensing import views

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
]
