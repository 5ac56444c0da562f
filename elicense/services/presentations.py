"""Issuing and redeeming presentation codes (出示码)."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.audit import ElicenseAction
from elicense.models import Authorisation, Certificate, CertificateKind, PresentationCode
from elicense.models.presentations import CODE_ALPHABET, CODE_LENGTH, hash_code
from elicense.permissions import is_legal_representative, refusal, require
from portal.audit import record_event


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def holder_main_certificate(uscc: str) -> Certificate | None:
    """The holder's current business-licence certificate, the one a presentation shows."""
    return (
        Certificate.objects.of_holder(uscc)
        .heads()
        .filter(kind=CertificateKind.BUSINESS_LICENCE)
        .order_by("-issued_at")
        .first()
    )


def _presenting_authorisation(user, authorisation):
    """An agent presents under one of its current authorisations (the one named, or the
    longest-running); a legal representative needs none."""
    if is_legal_representative(user):
        return None
    current = Authorisation.objects.current_of(holder_uscc=user.entity_uscc, agent=user)
    if authorisation is not None:
        current = current.filter(pk=authorisation.pk)
    chosen = current.first()
    if chosen is None:
        raise PermissionDenied(refusal(user, "elicense.present"))
    return chosen


@transaction.atomic
def issue_presentation_code(*, acting_user, authorisation=None) -> tuple[str, PresentationCode]:
    """Give the enterprise user a fresh one-time code for its entity (valid 120 s).

    An agent's code carries the authorisation it presents under. Returns the code
    itself, which is never stored: only its hash is.
    """
    require(acting_user, "elicense.present")
    certificate = holder_main_certificate(acting_user.entity_uscc)
    if certificate is None or not certificate.is_live:
        raise ValidationError("本企业没有有效的电子营业执照，不能出示。")
    code = new_code()
    presentation = PresentationCode.objects.create(
        code_hash=hash_code(code),
        holder_uscc=acting_user.entity_uscc,
        presenter=acting_user,
        authorisation=_presenting_authorisation(acting_user, authorisation),
        expires_at=timezone.now() + datetime.timedelta(seconds=settings.PRESENTATION_CODE_SECONDS),
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.PRESENTATION_CODE_ISSUED,
        obj=presentation,
        changes={"expires_at": presentation.expires_at},
    )
    return code, presentation


def redeem(code: str, *, verifier_label: str) -> tuple[str, PresentationCode | None]:
    """Consume a code exactly once: returns (outcome, presentation).

    Outcome is "unknown", "expired", "replayed" or "redeemed". The conditional UPDATE
    makes two simultaneous scans of one code redeem it once.
    """
    presentation = (
        PresentationCode.objects.select_related("presenter", "authorisation__scope")
        .filter(code_hash=hash_code(code))
        .first()
    )
    if presentation is None:
        return "unknown", None
    now = timezone.now()
    if presentation.redeemed_at is not None:
        return "replayed", presentation
    if presentation.expires_at <= now:
        return "expired", presentation
    won = PresentationCode.objects.filter(pk=presentation.pk, redeemed_at__isnull=True).update(
        redeemed_at=now, redeemed_by_label=verifier_label[:150]
    )
    return ("redeemed" if won else "replayed"), presentation
