"""PUBLIC_BASE_URL: set, it is the address in every QR code and PDF; unset (development), the
address the portal is being served at, on whatever host and port, never another."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.middleware import DEFAULT_BASE_URL, SERVED_AT_CACHE_KEY, public_base_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def unset(settings):
    settings.PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    cache.delete(SERVED_AT_CACHE_KEY)
    yield
    cache.delete(SERVED_AT_CACHE_KEY)


def _scan_login_qr_url(client, host):
    response = client.post(reverse("elicense:scan_login_new"), HTTP_HOST=host)
    assert response.status_code == 200
    return response.json()["confirm_url"]


def test_unset_it_is_the_address_the_request_came_in_on(client, unset):
    assert public_base_url() == DEFAULT_BASE_URL  # nothing served yet

    url = _scan_login_qr_url(client, "192.0.2.10:8765")

    assert url.startswith("http://192.0.2.10:8765/login/scan/")
    # work outside a request (a worker rendering a PDF) uses the address last served at
    assert public_base_url() == "http://192.0.2.10:8765"
    assert _scan_login_qr_url(client, "localhost:9001").startswith("http://localhost:9001/")
    assert public_base_url() == "http://localhost:9001"


def test_set_it_wins_whatever_host_the_request_used(client, settings, unset):
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn/"

    url = _scan_login_qr_url(client, "10.1.2.3:8000")

    assert url.startswith("https://zwfw.example.gov.cn/login/scan/")
    assert public_base_url() == "https://zwfw.example.gov.cn"
    assert cache.get(SERVED_AT_CACHE_KEY) is None
