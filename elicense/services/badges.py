"""Issuing shop-page badges to platforms."""

from django.db import transaction

from elicense.audit import ElicenseAction
from elicense.models import Badge, Certificate
from portal.audit import record_event


class NoCertificates(Exception):
    """The USCC has no certificates to show."""


@transaction.atomic
def issue_badge(*, relying_party, holder_uscc: str, shop_id: str) -> Badge:
    """The badge for one shop of one platform (the same one again if asked twice)."""
    if not Certificate.objects.of_holder(holder_uscc).exists():
        raise NoCertificates(holder_uscc)
    badge, created = Badge.objects.get_or_create(
        relying_party=relying_party, shop_id=shop_id.strip()[:64], holder_uscc=holder_uscc
    )
    if created:
        record_event(
            actor=None,
            action=ElicenseAction.BADGE_ISSUED,
            obj=badge,
            changes={"relying_party": relying_party.pk, "shop_id": badge.shop_id},
        )
    return badge
