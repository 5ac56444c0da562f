"""The platform API answers {"code", "message"} whatever goes wrong, never an HTML page."""

import logging

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import path
from ninja import NinjaAPI

from config.urls import api as root_api
from config.urls import urlpatterns as portal_urls
from elicense.api import install_error_handlers
from portal.views.errors import install_api_fault_handlers

#: An API assembled as the composition root assembles its own, with one endpoint that
#: hits a programming error.
faulty = NinjaAPI(urls_namespace="faulty_api")
install_api_fault_handlers(faulty)
install_error_handlers(faulty)


@faulty.get("/boom")
def boom(request):
    return {"total": 1 / 0}


urlpatterns = [path("api/v1/", faulty.urls), *portal_urls]


@pytest.mark.urls(__name__)
def test_an_unexpected_exception_in_an_endpoint_is_a_logged_json_500(caplog):
    with caplog.at_level(logging.ERROR, logger="portal.api"):
        response = Client(raise_request_exception=False).get("/api/v1/boom")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "server_error", "message": "系统繁忙，请稍后再试。"}
    (record,) = [r for r in caplog.records if r.name == "portal.api"]
    assert record.exc_info[0] is ZeroDivisionError  # the traceback reaches the log


def test_the_root_api_answers_a_database_outage_with_json_503_and_retry_after(settings):
    settings.RETRY_AFTER_SECONDS = 20
    request = RequestFactory().get("/api/v1/licences/x")

    response = root_api.on_exception(request, OperationalError("the server closed"))

    assert response.status_code == 503 and response["Retry-After"] == "20"
    assert response["Content-Type"].startswith("application/json")


def test_the_root_api_answers_any_other_exception_with_json_500():
    request = RequestFactory().get("/api/v1/licences/x")

    response = root_api.on_exception(request, KeyError("face"))

    assert response.status_code == 500 and b'"code": "server_error"' in response.content


@pytest.mark.django_db
def test_an_unknown_api_address_is_json_404(client):
    response = client.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert finders.find("ninja/swagger-ui-bundle.js")
