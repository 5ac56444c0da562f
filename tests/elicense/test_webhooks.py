"""Webhooks: a platform registers an endpoint and gets every change, signed, in order."""

import datetime
import importlib.util
import socket
import threading
from pathlib import Path

import pytest
from django.db import transaction

from elicense.models import EndpointStatus, WebhookAttempt, WebhookDelivery
from elicense.services import webhooks
from elicense.services.changes import record_change, subscribe
from elicense.services.relying_parties import create_relying_party
from portal import ratelimit
from portal.models import AuditEvent, OutboxMessage
from tests.factories import register

pytestmark = pytest.mark.django_db

RECEIVER_PATH = Path(__file__).resolve().parents[2] / "docs" / "examples" / "change_receiver.py"
spec = importlib.util.spec_from_file_location("change_receiver", RECEIVER_PATH)
change_receiver = importlib.util.module_from_spec(spec)
spec.loader.exec_module(change_receiver)

START = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def platform(settings):
    settings.DEBUG = True  # plain http to loopback is allowed in development only
    party, key = create_relying_party(name="美团外卖", peak_qps=1000)
    ratelimit.reset(party.pk)
    party.city_wide_changes = True
    party.save()
    return party, key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _change(n: int) -> None:
    uscc = "91310104MA1FL1234X"
    with transaction.atomic():
        record_change(
            event_type="signed", uscc=uscc, kind="business_licence", number=f"{uscc}-{n}",
            state="valid",
        )  # fmt: skip


class Receiver:
    """The documented receiver, served over HTTP on loopback in a thread."""

    def __init__(self, secret, port, fetch_page=None):
        self.applied = []
        self.receiver = change_receiver.ChangeReceiver(
            secret=secret, fetch_page=fetch_page, apply=self.applied.append
        )
        self.server = change_receiver.serve(self.receiver, port=port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_an_endpoint_must_be_https_except_loopback_in_development(platform, settings):
    party, _ = platform
    for url in ["http://example.com/hook", "ftp://example.com/", "not a url", "http://10.0.0.8/h"]:
        with pytest.raises(Exception, match="https://"):
            webhooks.register_endpoint(acting_user=None, party=party, url=url)
    settings.DEBUG = False
    for url in ["http://127.0.0.1:9/h", "https://127.0.0.1/h", "https://192.168.1.5/h"]:
        with pytest.raises(Exception, match="https://"):
            webhooks.register_endpoint(acting_user=None, party=party, url=url)

    endpoint, secret = webhooks.register_endpoint(
        acting_user=None, party=party, url="https://shop.example.com/hooks/licences"
    )

    assert secret.startswith("whsec_") and endpoint.secret == secret
    assert AuditEvent.objects.filter(action="webhook_endpoint.registered").count() == 1


def test_the_api_shows_the_secret_once(client, platform):
    _, key = platform
    headers = {"Authorization": f"Bearer {key}"}

    created = client.post(
        "/api/v1/webhooks", {"url": "https://shop.example.com/h"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    listed = client.get("/api/v1/webhooks", headers=headers)
    refused = client.post(
        "/api/v1/webhooks", {"url": "http://shop.example.com/h"},
        content_type="application/json", headers=headers,
    )  # fmt: skip

    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    assert listed.json() == [
        {"id": created.json()["id"], "url": "https://shop.example.com/h", "status": "active",
         "secret": None}
    ]  # fmt: skip
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_url"


def test_a_receiver_down_for_an_hour_then_back_gets_every_event_in_order(platform, time_machine):
    party, _ = platform
    time_machine.move_to(START, tick=False)
    port = _free_port()
    endpoint, secret = webhooks.register_endpoint(
        acting_user=None, party=party, url=f"http://127.0.0.1:{port}/hooks"
    )

    for minute in range(0, 61, 5):  # nobody listens for an hour; changes keep coming
        _change(minute)
        webhooks.publish_changes()
        time_machine.shift(datetime.timedelta(minutes=5))
    endpoint.refresh_from_db()
    assert endpoint.failures >= 5 and endpoint.status == EndpointStatus.ACTIVE
    assert not WebhookDelivery.objects.filter(delivered_at__isnull=False).exists()
    assert WebhookAttempt.objects.filter(status_code__isnull=True).exclude(error="").exists()

    with Receiver(secret, port) as receiver:
        time_machine.shift(datetime.timedelta(hours=1))  # past the longest back-off
        webhooks.publish_changes()

    sequences = [event["sequence"] for event in receiver.applied]
    assert sequences == list(range(1, 14))
    assert not WebhookDelivery.objects.filter(delivered_at__isnull=True).exists()
    delivered = WebhookAttempt.objects.filter(status_code=204)
    assert delivered.count() == 13 and all(a.latency_ms < 5000 for a in delivered)


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_party_told(platform, time_machine):
    party, _ = platform
    time_machine.move_to(START, tick=False)
    endpoint, _ = webhooks.register_endpoint(
        acting_user=None, party=party, url=f"http://127.0.0.1:{_free_port()}/hooks"
    )
    _change(1)

    for _hour in range(26):
        webhooks.publish_changes()
        time_machine.shift(datetime.timedelta(hours=1))

    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.DISABLED
    mail = OutboxMessage.objects.get(task_name="portal.tasks.send_mail")
    assert mail.args[0] == "证照变更推送已停用" and mail.args[2] == party.contact_email
    assert AuditEvent.objects.filter(action="webhook_endpoint.disabled").count() == 1
    attempts = WebhookAttempt.objects.count()
    webhooks.publish_changes()
    assert WebhookAttempt.objects.count() == attempts  # a disabled endpoint gets nothing


def _signed(endpoint, delivery, now=None):
    body = webhooks.payload(delivery)
    msg_id = f"evt_{delivery.event.sequence}"
    headers = webhooks.sign_headers(
        endpoint, msg_id, body, now or datetime.datetime.now(datetime.UTC)
    )
    return body.encode(), headers


def _deliveries(platform, count):
    party, _ = platform
    endpoint, secret = webhooks.register_endpoint(
        acting_user=None, party=party, url="https://shop.example.com/h"
    )
    for n in range(count):
        _change(n)
    webhooks.assign_sequences()
    webhooks._owe(endpoint)
    return endpoint, secret, list(WebhookDelivery.objects.order_by("event__sequence"))


def test_the_documented_receiver_refuses_a_tampered_body_an_old_timestamp_or_another_secret(
    platform,
):
    endpoint, secret, [delivery] = _deliveries(platform, 1)
    applied = []
    receiver = change_receiver.ChangeReceiver(secret=secret, fetch_page=None, apply=applied.append)
    body, headers = _signed(endpoint, delivery)
    old_body, old_headers = _signed(
        endpoint, delivery, datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=6)
    )
    stranger = change_receiver.ChangeReceiver(
        secret=webhooks.new_secret(), fetch_page=None, apply=applied.append
    )

    tampered = body.replace(b'"state":"valid"', b'"state":"revoked"')
    assert tampered != body
    assert receiver.receive(tampered, headers) == 400
    assert receiver.receive(old_body, old_headers) == 400
    assert stranger.receive(body, headers) == 400
    assert applied == []
    assert receiver.receive(body, headers) == 204
    assert receiver.receive(body, headers) == 204  # the same delivery again: dropped
    assert [event["sequence"] for event in applied] == [1]


def test_both_secrets_sign_during_a_rotation_then_only_the_new_one(platform, time_machine):
    time_machine.move_to(START, tick=False)
    endpoint, old_secret, [delivery] = _deliveries(platform, 1)
    new_secret = webhooks.rotate_secret(acting_user=None, endpoint=endpoint)
    endpoint.refresh_from_db()

    def accepted_by(secret):
        receiver = change_receiver.ChangeReceiver(
            secret=secret, fetch_page=None, apply=lambda event: None
        )
        return receiver.receive(*_signed(endpoint, delivery)) == 204

    assert accepted_by(old_secret) and accepted_by(new_secret)
    time_machine.shift(datetime.timedelta(hours=25))
    assert accepted_by(new_secret) and not accepted_by(old_secret)


def test_the_receiver_fills_a_gap_from_the_feed(client, platform):
    _, key = platform
    endpoint, secret, deliveries = _deliveries(platform, 5)
    applied = []

    def fetch_page(after):
        return client.get(
            f"/api/v1/changes?after={after}&limit=2", headers={"Authorization": f"Bearer {key}"}
        ).json()

    receiver = change_receiver.ChangeReceiver(
        secret=secret, fetch_page=fetch_page, apply=applied.append
    )
    receiver.receive(*_signed(endpoint, deliveries[0]))
    receiver.receive(*_signed(endpoint, deliveries[3]))  # 2 and 3 were lost on the way
    receiver.receive(*_signed(endpoint, deliveries[2]))  # a late duplicate
    receiver.receive(*_signed(endpoint, deliveries[4]))

    assert [event["sequence"] for event in applied] == [1, 2, 3, 4, 5]


def test_only_subscribed_merchants_are_pushed_with_the_previous_sequence(platform, xuhui_clerk):
    party, _ = platform
    party.city_wide_changes = False
    party.save()
    mine, other = register(xuhui_clerk), register(xuhui_clerk)
    subscribe(acting_user=None, party=party, identifier=mine.uscc)
    endpoint, _ = webhooks.register_endpoint(
        acting_user=None, party=party, url="https://shop.example.com/h"
    )
    from licensing import services as register_services

    register_services.revoke_entity(acting_user=xuhui_clerk, entity=other, reason="违法")
    register_services.revoke_entity(acting_user=xuhui_clerk, entity=mine, reason="违法")
    webhooks.assign_sequences()
    webhooks._owe(endpoint)

    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert delivery.event.uscc == mine.uscc and delivery.event.event_type == "revoked"
    assert delivery.previous_sequence == 1  # its issue, before the endpoint existed


def test_an_event_redelivered_by_hand_is_sent_again(platform, time_machine):
    party, _ = platform
    time_machine.move_to(START, tick=False)
    port = _free_port()
    endpoint, secret = webhooks.register_endpoint(
        acting_user=None, party=party, url=f"http://127.0.0.1:{port}/hooks"
    )
    _change(1)
    with Receiver(secret, port) as receiver:
        webhooks.publish_changes()
        delivery = WebhookDelivery.objects.get()
        webhooks.redeliver(acting_user=None, delivery=delivery)
        webhooks.publish_changes()

    assert WebhookAttempt.objects.filter(delivery=delivery, status_code=204).count() == 2
    assert [event["sequence"] for event in receiver.applied] == [1]  # the receiver dropped it


def test_docs_api_shows_the_receiver_the_tests_run():
    docs = (RECEIVER_PATH.parents[1] / "api.md").read_text(encoding="utf-8")

    assert f"```python\n{RECEIVER_PATH.read_text(encoding='utf-8')}```" in docs


def test_a_suspended_party_is_pushed_nothing(platform, time_machine):
    from elicense.services.relying_parties import revoke_api_key

    party, _ = platform
    time_machine.move_to(START, tick=False)
    port = _free_port()
    endpoint, secret = webhooks.register_endpoint(
        acting_user=None, party=party, url=f"http://127.0.0.1:{port}/hooks"
    )
    revoke_api_key(acting_user=None, party=party, reason="合同到期")
    _change(1)

    with Receiver(secret, port) as receiver:
        webhooks.publish_changes()

    assert receiver.applied == [] and not WebhookAttempt.objects.exists()
