from django.urls import path

from yiyeyizheng import views

app_name = "yiyeyizheng"

urlpatterns = [
    path("", views.format_list, name="format_list"),
    path("formats/<int:seq>/", views.questionnaire, name="questionnaire"),
]
