"""注销 and 吊销 ask first: the first POST shows what will end, to whom, and that it cannot be
undone; only the confirmed POST ends anything."""

import pytest
from django.urls import reverse

from licensing.models import FoodLicence, MarketEntity
from portal.models import AuditEvent
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action, label", [("cancel", "注销登记"), ("revoke", "吊销营业执照")])
def test_ending_an_entity_is_confirmed_first(client, xuhui_clerk, action, label):
    entity = register(xuhui_clerk, name="上海确认注销餐饮有限公司")
    issue_food(xuhui_clerk, entity)
    client.force_login(xuhui_clerk)
    url = reverse("licensing:entity_end", args=[entity.pk])
    data = {"action": action, "reason": "经营期满"}

    page = client.post(url, data).content.decode()

    assert f"请确认：{label}" in page and "上海确认注销餐饮有限公司" in page
    assert "不能撤回" in page and "经营期满" in page
    assert MarketEntity.objects.get().status == "active"
    assert (
        not AuditEvent.objects.filter(action__startswith="entity.")
        .exclude(action="entity.registered")
        .exists()
    )

    client.post(url, {**data, "confirmed": "1"})

    assert MarketEntity.objects.get().status != "active"
    assert FoodLicence.objects.get().status != "active"


def test_cancelling_a_food_licence_is_confirmed_first(client, xuhui_clerk):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk))
    client.force_login(xuhui_clerk)
    url = reverse("licensing:food_licence_cancel", args=[licence.pk])

    page = client.post(url, {"reason": "停业"}).content.decode()

    assert "请确认：注销食品经营许可证" in page and licence.number in page
    licence.refresh_from_db()
    assert licence.status == "active"

    client.post(url, {"reason": "停业", "confirmed": "1"})

    licence.refresh_from_db()
    assert licence.status == "cancelled"


def test_the_confirmation_carries_the_form_back_and_returning_changes_nothing(client, xuhui_clerk):
    entity = register(xuhui_clerk)
    client.force_login(xuhui_clerk)
    url = reverse("licensing:entity_end", args=[entity.pk])

    response = client.post(url, {"action": "revoke", "reason": "虚假登记"})

    form = response.content.decode()
    assert 'name="action" value="revoke"' in form and 'name="reason" value="虚假登记"' in form
    assert 'name="confirmed" value="1"' in form
    assert reverse("licensing:entity_detail", args=[entity.pk]) in form  # 返回，不办理
