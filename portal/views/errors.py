"""Error answers that need no database: 503 while it is away, and JSON under /api/.

The API (django-ninja) answers ``{"code", "message"}`` for every error it sees; these
views cover what happens outside it (a database error in a middleware, an unknown API
address), so that a relying party never gets an HTML page.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from ninja.errors import HttpError

logger = logging.getLogger("portal.database")

#: The errors that mean "the database is away", as opposed to a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

API_PREFIX = "/api/"
BUSY_MESSAGE = "系统繁忙，请稍后再试。"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def database_unavailable(request, error: Exception) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, else the 系统繁忙 page; no database needed.

    Logged as a warning (once a minute per process, see settings.LOGGING), not as a 500.
    """
    logger.warning("database unavailable, answering 503: %s", error)
    seconds = settings.RETRY_AFTER_SECONDS
    if is_api(request):
        response = JsonResponse(
            {"code": "service_unavailable", "message": BUSY_MESSAGE}, status=503
        )
    else:
        page = loader.get_template("503.html").render({"retry_after": seconds})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(seconds)
    return response


def server_error(request):
    """handler500: a database outage is a 503; an API error is JSON; else the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(request, error)
    if is_api(request):
        return JsonResponse({"code": "server_error", "message": BUSY_MESSAGE}, status=500)
    return defaults.server_error(request)


def page_not_found(request, exception):
    """handler404: JSON under /api/ (an unknown API address), else the Chinese 404 page."""
    if is_api(request):
        return JsonResponse({"code": "not_found", "message": "接口地址不存在。"}, status=404)
    return defaults.page_not_found(request, exception)


def install_api_fault_handlers(api) -> None:
    """Make the NinjaAPI answer ``{"code", "message"}`` for what its apps do not handle.

    A database outage is 503 with Retry-After; any other unexpected exception is logged
    with its traceback and answered 500; ninja's own 404 and HTTP errors get the same
    shape. The apps' handlers for their own errors (installed by them) take precedence
    because they name more specific exception classes.
    """
    api_logger = logging.getLogger("portal.api")

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def unavailable(request, exc):
        return database_unavailable(request, exc)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"code": "not_found", "message": "未找到请求的对象。"}, status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        body = {"code": f"http_{exc.status_code}", "message": str(exc)}
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        api_logger.error("unexpected error in %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(
            request, {"code": "server_error", "message": BUSY_MESSAGE}, status=500
        )
