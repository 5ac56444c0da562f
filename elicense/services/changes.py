"""The change feed: recording events with their change, sequencing them, reading pages.

``record_change`` runs inside the change's transaction (a rollback takes the event with it).
The event row is its own outbox message (ADR 0014's pattern): ``publish_changes`` runs
after the commit when an endpoint listens, and every OUTBOX_SWEEP_SECONDS from beat, and
hands the committed events to the webhook endpoints. ``assign_sequences`` gives committed
events their sequence under one row lock (ADR 0022); the feed serves only sequenced events.
"""

import dataclasses
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.audit import ElicenseAction
from elicense.models import (
    FEED_COUNTER,
    Certificate,
    ChangeEvent,
    EndpointStatus,
    RelyingParty,
    Subscription,
    WebhookEndpoint,
)
from portal.audit import record_event
from portal.identifiers import (
    COMPOSITE_LICENCE_PREFIX,
    normalise_identifier,
    validate_food_permit_number,
    validate_uscc,
)
from portal.services import hold_counter, take_counter

logger = logging.getLogger(__name__)

#: The most events one feed page returns.
MAX_PAGE = 500


def record_change(*, event_type: str, uscc: str, kind: str, number: str, state: str, version=None):
    """Write one change event in the caller's transaction and queue its publication.

    Refuses to run outside a transaction: an event must commit with its change or not at
    all. The event gets its sequence after the commit (``assign_sequences``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change must run inside the change's transaction")
    event = ChangeEvent.objects.create(
        event_type=event_type,
        uscc=uscc,
        kind=kind,
        number=number,
        version=version,
        state=str(state),
        occurred_at=timezone.now(),
    )
    _publish_after_commit(transaction.get_connection())
    return event


class _Publish:
    """After the commit, ask a worker to publish the new events (webhooks) at once."""

    def __call__(self):
        from elicense.tasks import publish_changes

        try:
            publish_changes.delay()
        except Exception as error:  # noqa: BLE001 - the beat run publishes within a minute
            logger.warning("change publication not sent: %r", error)


def _publish_after_commit(connection) -> None:
    """Once per transaction, and only when some endpoint listens: the event row itself is
    the durable intent (beat's publish_changes sweeps it), this is the fast path."""
    if any(isinstance(callback, _Publish) for _, callback, _ in connection.run_on_commit):
        return
    if WebhookEndpoint.objects.filter(status=EndpointStatus.ACTIVE).exists():
        transaction.on_commit(_Publish(), robust=True)


def record_certificate_change(certificate: Certificate, event_type: str) -> ChangeEvent:
    """The event of a certificate's change (business, food and composite registers alike)."""
    return record_change(
        event_type=event_type,
        uscc=certificate.holder_uscc,
        kind=certificate.kind,
        number=certificate.number,
        state=certificate.state,
        version=certificate.face.get("version"),
    )


def record_carried_permit_change(licence, event_type: str) -> ChangeEvent:
    """The event of a food permit carried by a composite licence (it has no certificate)."""
    return record_change(
        event_type=event_type,
        uscc=licence.holder_uscc,
        kind="food_licence",
        number=licence.number,
        state=licence.state,
        version=licence.version,
    )


def assign_sequences() -> int:
    """Number every committed event still without a sequence, in id order; returns how many.

    Runs in its own transaction holding the counter row's lock, so assignments never
    interleave: an event committed after a reader's page gets a higher sequence than every
    event that page could show. Idempotent and cheap when nothing is waiting.
    """
    if not ChangeEvent.objects.filter(sequence__isnull=True).exists():
        return 0  # the common case for readers: no lock taken
    with transaction.atomic():
        hold_counter(key=FEED_COUNTER)  # read the waiting events under the lock
        waiting = list(
            ChangeEvent.objects.filter(sequence__isnull=True).order_by("id").only("id")[:10000]
        )
        if not waiting:
            return 0
        block = take_counter(key=FEED_COUNTER, count=len(waiting))
        for sequence, event in zip(block, waiting, strict=True):
            event.sequence = sequence
        ChangeEvent.objects.bulk_update(waiting, ["sequence"], batch_size=1000)
    return len(waiting)


def visible_events(party: RelyingParty):
    """The sequenced events ``party`` may read: its subscriptions' merchants, or all (city-wide)."""
    events = ChangeEvent.objects.filter(sequence__isnull=False)
    if not party.city_wide_changes:
        events = events.filter(uscc__in=Subscription.objects.filter(party=party).values("uscc"))
    return events


@dataclasses.dataclass(frozen=True)
class FeedPage:
    events: list
    next_cursor: int  # pass as ``after`` for the next page; unchanged when the page is empty


def feed_page(*, party: RelyingParty, after: int, limit: int) -> FeedPage:
    """Events after sequence ``after`` in order, at most ``limit`` (1…MAX_PAGE)."""
    assign_sequences()
    events = list(visible_events(party).filter(sequence__gt=after).order_by("sequence")[:limit])
    return FeedPage(events=events, next_cursor=events[-1].sequence if events else after)


def resolve_merchant(identifier: str) -> str:
    """The holder USCC of a USCC or a licence number (JY…, 沪综许…); ValidationError in Chinese."""
    value = normalise_identifier(identifier)
    if not value.startswith(("JY", COMPOSITE_LICENCE_PREFIX)):
        return validate_uscc(value)
    validate_food_permit_number(value)
    holder = Certificate.objects.filter(number=value).values_list("holder_uscc", flat=True).first()
    if holder is None:
        raise ValidationError("未找到该许可证编号，请核对后重试。", code="not_found")
    return holder


@transaction.atomic
def subscribe(*, acting_user, party: RelyingParty, identifier: str) -> Subscription:
    """Follow one merchant's changes; subscribing twice returns the first subscription."""
    uscc = resolve_merchant(identifier)
    subscription, created = Subscription.objects.get_or_create(
        party=party, uscc=uscc, defaults={"subscribed_as": normalise_identifier(identifier)}
    )
    if created:
        record_event(
            actor=acting_user, action=ElicenseAction.CHANGE_SUBSCRIPTION_CREATED, obj=subscription,
            changes={"party": party.pk, "uscc": uscc},
        )  # fmt: skip
    return subscription


@transaction.atomic
def subscribe_many(*, acting_user, party: RelyingParty, usccs) -> int:
    """Follow many merchants at once (from a bulk check); returns how many were new."""
    wanted = set(usccs) - set(
        Subscription.objects.filter(party=party, uscc__in=usccs).values_list("uscc", flat=True)
    )
    Subscription.objects.bulk_create(
        [Subscription(party=party, uscc=uscc, subscribed_as=uscc) for uscc in sorted(wanted)],
        ignore_conflicts=True,
    )
    record_event(
        actor=acting_user, action=ElicenseAction.CHANGE_SUBSCRIPTION_BULK_CREATED, obj=party,
        changes={"added": len(wanted)},
    )  # fmt: skip
    return len(wanted)


@transaction.atomic
def unsubscribe(*, acting_user, party: RelyingParty, identifier: str) -> bool:
    """Stop following a merchant; False when it was not followed."""
    uscc = resolve_merchant(identifier)
    deleted, _ = Subscription.objects.filter(party=party, uscc=uscc).delete()
    if deleted:
        record_event(
            actor=acting_user, action=ElicenseAction.CHANGE_SUBSCRIPTION_DELETED, obj=party,
            changes={"uscc": uscc},
        )  # fmt: skip
    return bool(deleted)
