"""The bulk-check list is searched by file name and filtered by state in the same queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from licensing.services import create_bulk_check
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db

CSV = "统一社会信用代码,名称,食品经营许可证编号,经营场所\n91350100M000100Y43,某,,址\n".encode()


def test_bulk_checks_are_searched_and_filtered(client, xuhui_clerk):
    user = enterprise_user(register(xuhui_clerk), username="checker")
    for name in ("一月商户.csv", "二月商户.csv", "三月供应商.csv"):
        create_bulk_check(file_name=name, data=CSV, acting_user=user)
    client.force_login(user)
    url = reverse("licensing:bulkcheck_list")

    with CaptureQueriesContext(connection) as whole:
        assert len(client.get(url).context["checks"]) == 3
    with CaptureQueriesContext(connection) as searched:
        found = client.get(url, {"q": "商户"}).context["checks"]

    assert sorted(c.file_name for c in found) == ["一月商户.csv", "二月商户.csv"]
    assert len(searched) == len(whole)
    assert len(client.get(url, {"status": "queued"}).context["checks"]) == 3  # none run yet
    assert list(client.get(url, {"status": "done"}).context["checks"]) == []
    assert list(client.get(url, {"status": "failed", "q": "无此文件"}).context["checks"]) == []
