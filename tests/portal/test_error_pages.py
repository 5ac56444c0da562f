"""Error pages speak Chinese, like the rest of the portal."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as portal_urls


def _fails(request):
    raise RuntimeError("boom")


def _refuses(request):
    raise PermissionDenied("只有市局人员可以这样做。")


urlpatterns = [*portal_urls, path("boom/", _fails), path("refused/", _refuses)]


@pytest.mark.django_db
def test_an_unknown_address_answers_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "Not Found" not in body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_answers_a_chinese_500():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "系统繁忙，请稍后再试" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_refusal_answers_a_chinese_403_with_its_reason(client):
    response = client.get("/refused/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body and "只有市局人员可以这样做。" in body
