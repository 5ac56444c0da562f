from django.urls import path

from yiyeyizheng import views
from yiyeyizheng.urls_applications import urlpatterns as application_patterns

app_name = "yiyeyizheng"

urlpatterns = [
    path("", views.format_list, name="format_list"),
    path("formats/<int:seq>/", views.questionnaire, name="questionnaire"),
    *application_patterns,
]
