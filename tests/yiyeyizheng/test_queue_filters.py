"""Search and filters on the window's and the departments' queues: narrowed in the same
queries, whatever the rows; bad input answered in Chinese with the queue left whole."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import enterprise_user, register
from tests.yiyeyizheng.conftest import submitted
from yiyeyizheng.services.applications import accept_application

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


@pytest.fixture
def two_shops(owner, xuhui_clerk, store_format):
    other = register(xuhui_clerk, name="上海望湘园便利店有限公司")
    other_owner = enterprise_user(other, username="other_owner")
    return submitted(owner, store_format), submitted(other_owner, store_format)


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(captured)


def test_the_window_queue_is_searched_by_name_number_and_uscc(client, xuhui_clerk, two_shops):
    first, second = two_shops
    client.force_login(xuhui_clerk)
    url = reverse("yiyeyizheng:clerk_queue")
    whole, whole_queries = _queries(client, url, {})
    assert whole.content.decode().count("data-queue=") == 2

    for query in ("望湘园", second.number.lower(), second.entity_uscc):
        page, queries = _queries(client, url, {"q": query})
        html = page.content.decode()
        assert f'data-queue="{second.number}"' in html, query
        assert f'data-queue="{first.number}"' not in html, query
        assert queries == whole_queries

    accept_application(acting_user=xuhui_clerk, application=first)
    accepted = client.get(url, {"status": "accepted"}).context["recent"]
    assert [a.number for a in accepted] == [first.number]
    assert list(client.get(url, {"status": "rejected"}).context["recent"]) == []


def test_a_bad_filter_is_explained_and_the_queue_stays_whole(client, xuhui_clerk, two_shops):
    client.force_login(xuhui_clerk)
    page = client.get(reverse("yiyeyizheng:clerk_queue"), {"status": "nonsense", "q": "x" * 61})
    html = page.content.decode()
    assert "请选择列表中的状态" in html and "搜索内容不能超过60个字" in html
    assert html.count("data-queue=") == 2


def test_the_review_queue_is_searched(client, xuhui_clerk, samr_reviewer, two_shops):
    first, second = two_shops
    for application in two_shops:
        accept_application(acting_user=xuhui_clerk, application=application)
    client.force_login(samr_reviewer)
    url = reverse("yiyeyizheng:review_list")
    whole, whole_queries = _queries(client, url, {})
    assert {r.application_id for r in whole.context["open"]} == {first.pk, second.pk}

    found, queries = _queries(client, url, {"q": "望湘园"})

    assert {r.application_id for r in found.context["open"]} == {second.pk}
    assert queries == whole_queries
