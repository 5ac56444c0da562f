"""Webhook endpoints and at-least-once delivery of change events (Standard Webhooks).

``publish_changes`` (the outbox task of every change, and beat's retry every
OUTBOX_SWEEP_SECONDS) sequences committed events, owes each active endpoint the events its
party may see, and POSTs them in sequence order, one endpoint at a time, stopping at the
first failure so a receiver never sees a later event before an earlier one was accepted.
A failing endpoint backs off exponentially; after WEBHOOK_GIVE_UP_HOURS (24) of failure it is
disabled and its party told by mail. Every POST is logged as a ``WebhookAttempt``.
"""

import datetime
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from standardwebhooks import Webhook

from elicense.audit import ElicenseAction
from elicense.models import (
    FEED_COUNTER,
    ChangeEvent,
    EndpointStatus,
    RelyingParty,
    RelyingPartyStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from elicense.services.changes import assign_sequences, visible_events
from portal import outbox
from portal.audit import record_event
from portal.queries.counters import current_value

#: The longest wait between two attempts of a failing endpoint.
MAX_BACKOFF = datetime.timedelta(hours=1)
#: How long one POST may take.
TIMEOUT_SECONDS = 5
#: Events POSTed to one endpoint per run (the next run carries on).
BATCH = 500
#: A run holds its endpoint this long; a worker that died mid-run frees it after that.
LEASE = datetime.timedelta(minutes=5)


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _internal_address(host: str) -> bool:
    """A literal loopback, private or link-local address (or localhost): our own network."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def validate_endpoint_url(url: str) -> str:
    """HTTPS to a public address; in development (DEBUG) also plain HTTP to loopback.

    Literal internal addresses are refused outside development, so an endpoint cannot aim
    the portal's workers at its own network (host names are the operator's egress
    firewall's to police).
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    if settings.DEBUG and parts.scheme in ("http", "https") and _loopback(host):
        return url
    if parts.scheme == "https" and host and not _internal_address(host):
        return url
    raise ValidationError("接收地址须为 https:// 开头的完整网址（仅开发环境可用本机 http 地址）。")


@transaction.atomic
def register_endpoint(*, acting_user, party: RelyingParty, url: str) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for ``party``; returns it and its secret, which is shown only now.

    The endpoint is owed the events committed from now on (earlier ones are in the feed).
    """
    url = validate_endpoint_url(url)
    assign_sequences()
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        party=party, url=url, secret=secret,
        queued_through=current_value(FEED_COUNTER),
    )  # fmt: skip
    record_event(
        actor=acting_user, action=ElicenseAction.WEBHOOK_ENDPOINT_REGISTERED, obj=endpoint,
        changes={"party": party.pk, "url": url},
    )  # fmt: skip
    return endpoint, secret


@transaction.atomic
def rotate_secret(*, acting_user, endpoint: WebhookEndpoint, overlap_hours: int = 24) -> str:
    """Give the endpoint a new secret; the old one also signs for ``overlap_hours``."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = new_secret()
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret
    endpoint.previous_secret_until = timezone.now() + datetime.timedelta(hours=overlap_hours)
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    record_event(
        actor=acting_user, action=ElicenseAction.WEBHOOK_ENDPOINT_SECRET_ROTATED, obj=endpoint,
        changes={"overlap_hours": overlap_hours},
    )  # fmt: skip
    return secret


@transaction.atomic
def enable_endpoint(*, acting_user, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Turn a disabled endpoint back on; what it was owed is delivered on the next run."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.status, endpoint.disabled_at = EndpointStatus.ACTIVE, None
    endpoint.failures, endpoint.failing_since, endpoint.next_attempt_at = 0, None, None
    endpoint.save()
    record_event(
        actor=acting_user, action=ElicenseAction.WEBHOOK_ENDPOINT_ENABLED, obj=endpoint, changes={}
    )
    outbox.enqueue("elicense.tasks.publish_changes")
    return endpoint


@transaction.atomic
def redeliver(*, acting_user, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send one event to its endpoint again (by hand), in sequence order with what it is owed."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.delivered_at = None
    delivery.save(update_fields=["delivered_at"])
    record_event(
        actor=acting_user, action=ElicenseAction.WEBHOOK_DELIVERY_REDELIVERED, obj=delivery,
        changes={"event": delivery.event_id},
    )  # fmt: skip
    outbox.enqueue("elicense.tasks.publish_changes")
    return delivery


def payload(delivery: WebhookDelivery) -> str:
    """The JSON body of one delivery: the event as the feed gives it, and the sequence of
    the party's previous event."""
    event = delivery.event
    data = {**event_data(event), "previous_sequence": delivery.previous_sequence}
    return json.dumps(
        {"type": f"licence.{event.event_type}", "timestamp": event.occurred_at.isoformat(),
         "data": data},
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip


def event_data(event: ChangeEvent) -> dict:
    return {
        "sequence": event.sequence,
        "event_type": event.event_type,
        "uscc": event.uscc,
        "kind": event.kind,
        "number": event.number,
        "version": event.version,
        "state": event.state,
        "occurred_at": event.occurred_at.isoformat(),
    }


def sign_headers(endpoint: WebhookEndpoint, msg_id: str, body: str, now: datetime.datetime) -> dict:
    """Standard Webhooks headers; during a rotation's overlap both secrets sign."""
    at = now.astimezone(datetime.UTC)
    secrets_in_use = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and endpoint.previous_secret_until > now
    ):
        secrets_in_use.append(endpoint.previous_secret)
    signature = " ".join(Webhook(s).sign(msg_id, at, body) for s in secrets_in_use)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def _owe(endpoint: WebhookEndpoint) -> None:
    """Create the deliveries of events sequenced since the endpoint was last brought up to
    date, each naming the party's previous visible event (so receivers can see a gap)."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        visible = visible_events(endpoint.party)
        owed = list(
            visible.filter(sequence__gt=endpoint.queued_through)
            .order_by("sequence")
            .values_list("pk", "sequence")
        )
        if not owed:
            return
        previous = (
            visible.filter(sequence__lt=owed[0][1]).aggregate(last=Max("sequence"))["last"] or 0
        )
        deliveries = []
        for pk, sequence in owed:
            deliveries.append(
                WebhookDelivery(endpoint=endpoint, event_id=pk, previous_sequence=previous)
            )
            previous = sequence
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        endpoint.queued_through = previous
        endpoint.save(update_fields=["queued_through"])


def _post(url: str, body: str, headers: dict) -> tuple[int | None, str]:
    # The URL passed validate_endpoint_url: https, or loopback http in development.
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError) as error:
        return None, f"{type(error).__name__}: {error}"[:300]


def _claim(endpoint_id: int, now) -> WebhookEndpoint | None:
    """Take the endpoint for this run (a lease), unless it is backing off or taken."""
    with transaction.atomic():
        endpoint = (
            WebhookEndpoint.objects.select_for_update(skip_locked=True)
            .filter(pk=endpoint_id, status=EndpointStatus.ACTIVE)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if endpoint is not None:
            WebhookEndpoint.objects.filter(pk=endpoint_id).update(next_attempt_at=now + LEASE)
        return endpoint


def deliver(endpoint: WebhookEndpoint) -> int:
    """POST what the endpoint is owed, in sequence order; returns how many were accepted."""
    now = timezone.now()
    endpoint = _claim(endpoint.pk, now)
    if endpoint is None:
        return 0
    pending = (
        WebhookDelivery.objects.filter(endpoint=endpoint, delivered_at__isnull=True)
        .select_related("event")
        .order_by("event__sequence")[:BATCH]
    )
    accepted = 0
    for delivery in pending:
        body = payload(delivery)
        started = time.monotonic()
        now = timezone.now()
        status, error = _post(
            endpoint.url, body, sign_headers(endpoint, f"evt_{delivery.event.sequence}", body, now)
        )
        WebhookAttempt.objects.create(
            delivery=delivery, attempted_at=now, status_code=status, error=error,
            latency_ms=round((time.monotonic() - started) * 1000),
        )  # fmt: skip
        if status is None or not 200 <= status < 300:
            _failed(endpoint, now)
            return accepted
        WebhookDelivery.objects.filter(pk=delivery.pk).update(delivered_at=now)
        accepted += 1
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failures=0, failing_since=None, next_attempt_at=None
    )
    return accepted


def _failed(endpoint: WebhookEndpoint, now) -> None:
    """Back off exponentially (10 s doubling, at most an hour); after a day, disable and tell."""
    failing_since = endpoint.failing_since or now
    failures = endpoint.failures + 1
    if now - failing_since >= datetime.timedelta(hours=settings.WEBHOOK_GIVE_UP_HOURS):
        with transaction.atomic():
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                status=EndpointStatus.DISABLED, disabled_at=now, failures=failures,
                failing_since=failing_since, next_attempt_at=None,
            )  # fmt: skip
            record_event(
                actor=None, action=ElicenseAction.WEBHOOK_ENDPOINT_DISABLED, obj=endpoint,
                changes={"failing_since": failing_since.isoformat(), "failures": failures},
            )  # fmt: skip
            since = timezone.localtime(failing_since).strftime("%Y-%m-%d %H:%M")
            message = (
                f"贵单位的推送接收地址 {endpoint.url} 自 {since} 起持续无法接收，已停用。"
                "请修复后联系管理员重新启用；期间的变更可从 GET /api/v1/changes 补取。"
            )
            outbox.enqueue(
                "portal.tasks.send_mail",
                "证照变更推送已停用",
                message,
                endpoint.party.contact_email,
            )
        return
    backoff = min(datetime.timedelta(seconds=10 * 2 ** min(failures - 1, 20)), MAX_BACKOFF)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failures=failures, failing_since=failing_since, next_attempt_at=now + backoff
    )


def publish_changes() -> int:
    """Sequence committed events, owe them to the endpoints, deliver what is due.

    Idempotent (an event already owed is not owed twice; a delivered one is not re-sent
    unless redelivered by hand). Returns the number of events accepted by receivers.
    """
    assign_sequences()
    accepted = 0
    endpoints = WebhookEndpoint.objects.filter(
        status=EndpointStatus.ACTIVE, party__status=RelyingPartyStatus.APPROVED
    ).select_related("party")
    for endpoint in endpoints:
        _owe(endpoint)
        accepted += deliver(endpoint)
    return accepted
