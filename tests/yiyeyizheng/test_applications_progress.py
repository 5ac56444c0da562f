"""Public progress lookup: number and code show the timeline; anything else reads the same."""

import pytest
from django.urls import reverse

from tests.yiyeyizheng.conftest import submitted
from yiyeyizheng.services.applications import accept_application

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")

NOT_FOUND = "未找到该申请：请核对申请编号和查询码。"


def lookup(client, number, code):
    return client.get(reverse("yiyeyizheng:progress"), {"number": number, "code": code})


def test_the_right_code_shows_every_step(client, owner, store_format, xuhui_clerk):
    application = submitted(owner, store_format)
    accept_application(acting_user=xuhui_clerk, application=application)
    page = lookup(client, application.number, application.verification_code).content.decode()
    assert 'data-step="签名并提交申请"' in page
    assert 'data-step="窗口受理（一口受理）"' in page
    assert "烟草专卖零售许可（区烟草专卖局）：审查中" in page
    assert "保存申请表" not in page and xuhui_clerk.username not in page


def test_a_wrong_code_reads_like_an_unknown_number(client, owner, store_format):
    application = submitted(owner, store_format)
    wrong = lookup(client, application.number, "WRONGCODE2").content.decode()
    unknown = lookup(client, "YYZ2099010100001", application.verification_code).content.decode()
    assert NOT_FOUND in wrong and NOT_FOUND in unknown
    assert application.entity_name not in wrong


def test_a_draft_is_not_public(client, owner, store_format):
    from tests.yiyeyizheng.conftest import start

    draft = start(owner, store_format)
    assert NOT_FOUND in lookup(client, draft.number, draft.verification_code).content.decode()


def test_the_budget_is_per_client_behind_the_proxy(client, settings, db):
    settings.YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR = 1
    settings.PROXY_COUNT = 1
    url = reverse("yiyeyizheng:progress")
    params = {"number": "YYZ2099010100001", "code": "X"}
    assert client.get(url, params, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert client.get(url, params, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get(url, params, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_lookups_are_rate_limited(client, owner, store_format, settings):
    settings.YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        assert lookup(client, "YYZ2099010100001", "X").status_code == 200
    assert lookup(client, "YYZ2099010100001", "X").status_code == 429


def test_a_full_width_lower_case_number_and_code_are_found(client, owner, store_format):
    application = submitted(owner, store_format)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in application.number.lower())

    page = lookup(client, f" {typed} ", application.verification_code.lower()).content.decode()

    assert NOT_FOUND not in page and 'data-step="签名并提交申请"' in page
