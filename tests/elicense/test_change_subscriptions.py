"""A platform follows the merchants it lists: by USCC, by licence number, from a bulk check."""

import pytest

from elicense.models import Subscription, WebhookDelivery
from elicense.services import webhooks
from elicense.services.changes import record_change
from elicense.services.relying_parties import create_relying_party
from licensing import services as register_services
from licensing.services.bulk import HEADER
from portal import ratelimit
from portal.models import AuditEvent, User
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    party, key = create_relying_party(name="美团外卖", peak_qps=1000)
    ratelimit.reset(party.pk)
    return party, {"Authorization": f"Bearer {key}"}


def _post(client, path, body, headers):
    return client.post(f"/api/v1{path}", body, content_type="application/json", headers=headers)


def test_subscribe_by_uscc_or_licence_number_and_unsubscribe(client, platform, xuhui_clerk):
    party, headers = platform
    entity = register(xuhui_clerk)
    food = issue_food(xuhui_clerk, entity)

    by_number = _post(client, "/subscriptions", {"identifier": f" {food.number.lower()} "}, headers)
    again = _post(client, "/subscriptions", {"identifier": "　" + entity.uscc}, headers)
    listed = client.get("/api/v1/subscriptions", headers=headers).json()

    assert by_number.status_code == again.status_code == 200
    assert by_number.json()["uscc"] == entity.uscc
    assert [s["uscc"] for s in listed] == [entity.uscc]
    assert AuditEvent.objects.filter(action="change_subscription.created").count() == 1

    gone = client.delete(f"/api/v1/subscriptions/{food.number}", headers=headers)
    twice = client.delete(f"/api/v1/subscriptions/{entity.uscc}", headers=headers)
    assert gone.status_code == 204 and twice.status_code == 404
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("identifier", "status", "code", "message"),
    [
        ("91310104MA1FL1234", 422, "invalid_identifier", "应为18位"),
        ("JY12345", 422, "invalid_identifier", "JY"),
        ("JY23101040000019", 404, "not_found", "未找到该许可证编号"),
    ],
)
def test_a_bad_or_unknown_identifier_is_answered_in_chinese(
    client, platform, identifier, status, code, message
):
    _, headers = platform

    response = _post(client, "/subscriptions", {"identifier": identifier}, headers)

    assert response.status_code == status
    assert response.json()["code"] == code and message in response.json()["message"]


def test_subscribe_every_registered_merchant_of_the_last_bulk_check(client, platform, xuhui_clerk):
    party, headers = platform
    known = [register(xuhui_clerk) for _ in range(3)]
    lines = [",".join(HEADER)] + [f"{e.uscc.lower()},{e.name},," for e in known]
    lines.append("91310104MA1FL1234X,不在册的商户,,")
    check = register_services.create_bulk_check(
        file_name="merchants.csv", data="\n".join(lines).encode(), relying_party=party
    )
    register_services.run_bulk_check(bulk_check_id=check.pk)

    first = _post(client, "/subscriptions/from-last-bulk-check", {}, headers).json()
    second = _post(client, "/subscriptions/from-last-bulk-check", {}, headers).json()

    assert first == {"bulk_check_id": check.pk, "added": 3, "total": 3}
    assert second == {"bulk_check_id": check.pk, "added": 0, "total": 3}
    assert set(Subscription.objects.values_list("uscc", flat=True)) == {e.uscc for e in known}


def test_without_a_finished_bulk_check_nothing_is_subscribed(client, platform):
    _, headers = platform

    response = _post(client, "/subscriptions/from-last-bulk-check", {}, headers)

    assert response.status_code == 404 and "批量资质审查" in response.json()["message"]


def test_a_party_reads_its_delivery_log_and_an_administrator_redelivers(client, platform, settings):
    party, headers = platform
    party.city_wide_changes = True
    party.save()
    endpoint, _ = webhooks.register_endpoint(
        acting_user=None, party=party, url="https://shop.invalid/hooks"
    )
    other, other_key = create_relying_party(name="饿了么", peak_qps=10)
    from django.db import transaction

    with transaction.atomic():
        record_change(event_type="revoked", uscc="91310104MA1FL1234X", kind="business_licence",
                      number="91310104MA1FL1234X", state="revoked")  # fmt: skip
    webhooks.publish_changes()  # .invalid never resolves: one failed attempt

    log = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries", headers=headers).json()
    foreign = client.get(
        f"/api/v1/webhooks/{endpoint.pk}/deliveries",
        headers={"Authorization": f"Bearer {other_key}"},
    )
    assert [(d["sequence"], d["delivered_at"]) for d in log] == [(1, None)]
    assert log[0]["attempts"][0]["status_code"] is None and log[0]["attempts"][0]["error"]
    assert foreign.status_code == 404

    admin = User.objects.create_superuser("root", password="Pw-for-tests-2026")
    client.force_login(admin)
    delivery = WebhookDelivery.objects.get()
    page = client.get(f"/admin/elicense/webhookdelivery/{delivery.pk}/change/")
    response = client.post(
        "/admin/elicense/webhookdelivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    assert page.status_code == 200 and "耗时" in page.content.decode()
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="webhook_delivery.redelivered").count() == 1
