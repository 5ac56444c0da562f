"""The enterprise's signing-key page: keys listed; the legal representative replaces the key."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from elicense.models import EntityKey, Matter
from elicense.services.authorisations import grant_authorisation
from portal.models import AuditEvent
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity(xuhui_clerk):
    return register(xuhui_clerk, name="上海换钥测试商贸有限公司")


def test_the_legal_representative_replaces_the_key_and_both_stay_listed(client, entity):
    client.force_login(enterprise_user(entity, full_name="钱法人"))
    old = EntityKey.objects.get(holder_uscc=entity.uscc)

    response = client.post(reverse("elicense:key_rotate"), {"confirm": "on"}, follow=True)

    page = response.content.decode()
    new = EntityKey.objects.get(holder_uscc=entity.uscc, status="active")
    assert new != old and f"已更换签名密钥，新密钥：{new.kid}" in page
    assert page.count("data-key-status=") == 2 and old.kid in page
    assert AuditEvent.objects.filter(action="entity_key.retired", object_id=str(old.pk)).exists()


def test_without_the_confirmation_nothing_changes(client, entity):
    client.force_login(enterprise_user(entity, full_name="钱法人"))

    page = client.post(reverse("elicense:key_rotate"), follow=True).content.decode()

    assert "请先勾选确认" in page
    assert EntityKey.objects.filter(holder_uscc=entity.uscc).count() == 1


def test_an_authorised_agent_sees_the_keys_but_cannot_replace_them(client, entity):
    legal = enterprise_user(entity, full_name="钱法人")
    agent = enterprise_user(entity, capacity="agent", username="agent_keys")
    now = timezone.now()
    grant_authorisation(
        acting_user=legal,
        agent=agent,
        scope=Matter.objects.get(path="电子政务/市场监管"),
        valid_from=now,
        valid_to=now + datetime.timedelta(days=30),
    )
    client.force_login(agent)

    page = client.get(reverse("elicense:key_list")).content.decode()
    refused = client.post(reverse("elicense:key_rotate"), {"confirm": "on"}, follow=True)

    assert "data-key-status=" in page and "更换签名密钥</button>" not in page
    assert refused.status_code == 403 and "只有法定代表人" in refused.content.decode()
    assert EntityKey.objects.filter(holder_uscc=entity.uscc).count() == 1


def test_staff_have_no_key_page(client, xuhui_clerk):
    client.force_login(xuhui_clerk)
    assert client.get(reverse("elicense:key_list")).status_code == 404
    assert client.post(reverse("elicense:key_rotate"), {"confirm": "on"}).status_code == 404
