from django.contrib import admin
from django.urls import include, path

from elicense.views import jwks

urlpatterns = [
    path("admin/", admin.site.urls),
    path(".well-known/elicense-keys.json", jwks, name="jwks"),
    path("licensing/", include("licensing.urls")),
    path("", include("elicense.urls")),
    path("", include("portal.app_urls")),
]
