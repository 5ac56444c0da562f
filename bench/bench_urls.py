"""The portal's URLs plus a bare Django JSON endpoint as the same-server baseline."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
