from yiyeyizheng.urls_applications import urlpatterns as application_patterns

app_name = "yiyeyizheng"

urlpatterns = [*application_patterns]
