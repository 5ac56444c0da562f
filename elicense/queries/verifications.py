"""Reading one check back from the verification log (查验记录), for those who act on it.

A window clerk who scanned a licence may print it for a while (``elicense.print_certificate``)
and file it with a case (执照存档, ``yiyeyizheng``): both rest on the check as logged, never
on what a form says. With the stream log (ADR 0024) a check reaches the table within about a
second; until then it is not found here, and callers say so in plain Chinese.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from elicense.models import Certificate, Verification, VerificationChannel, VerificationResult

#: How long after a valid scan the clerk who made it may print the certificate and file it
#: with a case: one working day at the window.
SCANNED_CERTIFICATE_HOURS = 8


def scanned_since(now=None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(hours=SCANNED_CERTIFICATE_HOURS)


def valid_scans_by(user):
    """The valid window scans ``user`` made within ``SCANNED_CERTIFICATE_HOURS``."""
    return Verification.objects.filter(
        verifier_id=user.pk,
        channel=VerificationChannel.CLERK_SCAN,
        result=VerificationResult.VALID,
        created_at__gte=scanned_since(),
        certificate__isnull=False,
    )


def printable_certificates(user):
    """The certificates ``user`` may reach to print (``_own_certificate``): those they may
    read (``visible_to``) and those they scanned valid lately (``valid_scans_by``); the
    rule ``elicense.print_certificate`` then decides."""
    from elicense.permissions import is_scanner

    visible = Certificate.objects.visible_to(user)
    if not is_scanner(user):
        return visible
    scanned = valid_scans_by(user).values("certificate_id")
    return visible | Certificate.objects.filter(pk__in=scanned)


@dataclass(frozen=True)
class LoggedCheck:
    """One logged check, as the log has it."""

    check_id: uuid.UUID
    checked_at: datetime.datetime
    channel: str
    result: str
    result_label: str
    holder_uscc: str
    verifier_id: int | None
    verifier_label: str
    certificate: Certificate | None

    @property
    def is_valid_scan(self) -> bool:
        return (
            self.channel == VerificationChannel.CLERK_SCAN
            and self.result == VerificationResult.VALID
            and self.certificate is not None
        )

    @property
    def is_recent(self) -> bool:
        return self.checked_at >= scanned_since()


def logged_check(check_id, *, verifier) -> LoggedCheck | None:
    """The check ``check_id`` made by ``verifier``, or None: not logged (yet), or someone
    else's (a check id is no secret of its own: it is the verifier that binds it)."""
    try:
        check_id = uuid.UUID(str(check_id))
    except ValueError:
        return None
    row = (
        Verification.objects.filter(check_id=check_id, verifier_id=verifier.pk)
        .select_related("certificate")
        .first()
    )
    if row is None:
        return None
    return LoggedCheck(
        check_id=row.check_id,
        checked_at=row.created_at,
        channel=row.channel,
        result=row.result,
        result_label=row.get_result_display(),
        holder_uscc=row.holder_uscc,
        verifier_id=row.verifier_id,
        verifier_label=row.verifier_label,
        certificate=row.certificate,
    )
