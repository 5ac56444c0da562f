"""The WSGI entry point: the portal's pages and, beside them, the bearer-key API.

Requests under ``/api/`` go through ``API_MIDDLEWARE`` (security headers, the 503 on a lost
database, the client address for the 查验记录): no sessions, messages, CSRF, login
throttling or staff idle timeout, which a bearer-key call never uses (ADR 0024). Every other
path goes through the full ``MIDDLEWARE``.
"""

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
portal = get_wsgi_application()


class ApiHandler(WSGIHandler):
    """A WSGI handler built with ``settings.API_MIDDLEWARE`` instead of ``MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        from django.conf import settings

        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


api = ApiHandler()


def application(environ, start_response):
    handler = api if environ.get("PATH_INFO", "").startswith("/api/") else portal
    return handler(environ, start_response)
