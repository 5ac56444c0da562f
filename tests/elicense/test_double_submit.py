"""Double submit on the enterprise's pages: one authorisation, one signed document."""

import datetime

import pytest
from django.urls import reverse

from elicense.models import Authorisation, SignedDocument
from tests.double_submit import form_token
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


@pytest.fixture
def legal_rep(xuhui_clerk):
    return enterprise_user(register(xuhui_clerk, name="上海双击授权餐饮有限公司"))


def test_a_grant_posted_twice_is_one_authorisation(client, legal_rep, time_machine):
    time_machine.move_to(NOW, tick=False)
    agent = _agent(legal_rep)
    client.force_login(legal_rep)
    url = reverse("elicense:authorisation_list")
    data = {
        "agent": agent.pk,
        "scope": "电子政务/市场监管",
        "valid_from": "2026-11-22T10:00",
        "valid_to": "2026-12-22T10:00",
        "form_token": form_token(client, url),
    }

    answers = [client.post(url, data) for _ in range(2)]

    assert Authorisation.objects.count() == 1
    assert [a.url for a in answers] == [url, url]


def _agent(legal_rep):
    from portal.models import User

    return User.objects.create(
        username="agent_double", role=legal_rep.role, entity_uscc=legal_rep.entity_uscc,
        enterprise_capacity="agent", full_name="赵经办",
    )  # fmt: skip


def test_a_document_signed_twice_from_one_page_is_one_signature(client, legal_rep):
    client.force_login(legal_rep)
    url = reverse("elicense:document_sign")
    data = {
        "title": "承诺书",
        "subject": "text",
        "text": "面积120平方米",
        "matter": "",
        "form_token": form_token(client, url),
    }

    first = client.post(url, data)
    again = client.post(url, data)

    document = SignedDocument.objects.get()
    assert first.url == again.url == reverse("elicense:document_detail", args=[document.public_id])
