"""Issuing and ending certificates, and signing them after the issuing transaction."""

import datetime
import json

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from elicense import crypto, sm
from elicense.audit import ElicenseAction
from elicense.models import Certificate, CertificateStatus, KeyAlgorithm, SigningKey
from elicense.models.certificates import KIND_CODES
from elicense.models.changes import ChangeType
from elicense.queries import memory
from elicense.services.changes import record_certificate_change
from portal import outbox
from portal.audit import record_event


def issue_certificate(
    *,
    acting_user,
    kind,
    number: str,
    holder_uscc: str,
    holder_name: str,
    face: dict,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    issuer: str,
    source: str,
    supersedes: Certificate | None = None,
) -> Certificate:
    """Create a certificate pending signature, replacing ``supersedes`` if given.

    The holder's first certificate also gives it its own signing key pair (电子签名).

    Must run inside the register's transaction (so a licence and its certificate commit
    together); the signing task goes into the outbox in that transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_certificate must run inside the issuing transaction")
    now = timezone.now()
    from elicense.services.signatures import ensure_entity_key

    ensure_entity_key(holder_uscc=holder_uscc, acting_user=acting_user)
    if supersedes is not None:
        supersede_certificate(certificate=supersedes, acting_user=acting_user, reason="换发新版")
    certificate = Certificate.objects.create(
        kind=kind,
        number=number,
        holder_uscc=holder_uscc,
        holder_name=holder_name,
        face=face,
        valid_from=valid_from,
        valid_to=valid_to,
        issuer=issuer,
        source=source,
        supersedes=supersedes,
        issued_at=now,
        issued_by=acting_user,
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.CERTIFICATE_ISSUED,
        obj=certificate,
        changes={"kind": kind, "number": number, "holder_uscc": holder_uscc},
    )
    record_certificate_change(certificate, ChangeType.ISSUED)
    # Through the outbox: a broker outage at commit time delays the signature, never loses it.
    outbox.enqueue("elicense.tasks.sign_certificate", certificate.pk)
    return certificate


transition_events = {
    "supersede": ChangeType.SUPERSEDED,
    "revoke": ChangeType.REVOKED,
    "cancel": ChangeType.CANCELLED,
    "expire": ChangeType.EXPIRED,
}


def _end(certificate, transition, *, acting_user, action, **kwargs) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.is_live:
        return certificate
    getattr(certificate, transition)(at=timezone.now(), **kwargs)
    certificate.save()
    memory.invalidate(f"certificate:{certificate.public_id}")
    record_event(actor=acting_user, action=action, obj=certificate, changes=kwargs)
    record_certificate_change(certificate, transition_events[transition])
    return certificate


def supersede_certificate(*, certificate, acting_user, reason) -> Certificate:
    """Mark a certificate as replaced by a newer version (inside the caller's transaction)."""
    return _end(
        certificate, "supersede", acting_user=acting_user, reason=reason,
        action=ElicenseAction.CERTIFICATE_SUPERSEDED,
    )  # fmt: skip


def revoke_certificate(*, certificate, acting_user, reason) -> Certificate:
    """Revoke a certificate (吊销); verification reports it at once."""
    return _end(
        certificate, "revoke", acting_user=acting_user, reason=reason,
        action=ElicenseAction.CERTIFICATE_REVOKED,
    )  # fmt: skip


def cancel_certificate(*, certificate, acting_user, reason) -> Certificate:
    """Cancel a certificate (注销); verification reports it at once."""
    return _end(
        certificate, "cancel", acting_user=acting_user, reason=reason,
        action=ElicenseAction.CERTIFICATE_CANCELLED,
    )  # fmt: skip


def expire_certificate(*, certificate) -> Certificate:
    """Mark a certificate expired (the register's daily expiry)."""
    return _end(certificate, "expire", acting_user=None, action=ElicenseAction.CERTIFICATE_EXPIRED)


def token_claims(certificate: Certificate) -> dict:
    """The compact claims of the printed-copy token (short names keep the QR small)."""
    return {
        "v": 1,
        "i": certificate.public_id,
        "k": KIND_CODES[certificate.kind],
        "n": certificate.number,
        "u": certificate.holder_uscc,
        "h": certificate.holder_name,
        "f": certificate.valid_from.isoformat(),
        "e": certificate.valid_to.isoformat() if certificate.valid_to else None,
        "iat": int(certificate.issued_at.timestamp()),
    }


@transaction.atomic
def sign_certificate(*, certificate_id: int) -> Certificate:
    """Sign a pending certificate with the active issuer key (the Celery task's body), and
    with the active SM2 key beside it when there is one (ADR 0023: a second compact JWS over
    the same payload segment; the EdDSA token stays as it was).

    Idempotent: a certificate that is already signed, or has ended before it was
    signed, is left as it is. Raises when no Ed25519 key is active: the outbox sweep sends the
    task again until an administrator creates one.
    """
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    if certificate.status != CertificateStatus.PENDING_SIGNATURE:
        return certificate
    key = SigningKey.objects.active().first()
    if key is None:
        raise ImproperlyConfigured("没有签发中的密钥：请运行 manage.py elicense_keys create")
    signature = crypto.sign(
        token_claims(certificate),
        kid=key.kid,
        private_key=crypto.load_private_key(key.encrypted_private_key),
    )
    changes = {"kid": key.kid}
    sm2_signature = ""
    sm2_key = SigningKey.objects.active(KeyAlgorithm.SM2).first()
    if sm2_key is not None:
        sm2_signature = sm.sign_jws(
            signature.split(".")[1],
            header={"kid": sm2_key.kid, "typ": crypto.TOKEN_TYPE},
            private_key=crypto.load_any_private_key(
                sm2_key.algorithm, sm2_key.encrypted_private_key
            ),
        )
        changes["sm2_kid"] = sm2_key.kid
    certificate.sign(
        signature=signature, key_id=key.kid, at=timezone.now(), sm2_signature=sm2_signature
    )
    certificate.save()
    memory.invalidate(f"certificate:{certificate.public_id}")
    record_event(
        actor=None, action=ElicenseAction.CERTIFICATE_SIGNED, obj=certificate, changes=changes
    )
    record_certificate_change(certificate, ChangeType.SIGNED)
    return certificate


def dual_signed_token(certificate: Certificate) -> str:
    """The certificate's signatures as one JWS in general JSON serialisation (RFC 7515
    section 7.2.1): the EdDSA and, when present, the SM2-SM3 signature over one payload."""
    signatures = []
    payload = ""
    for token in filter(None, [certificate.signature, certificate.sm2_signature]):
        protected, payload, signature = token.split(".")
        signatures.append({"protected": protected, "signature": signature})
    return json.dumps({"payload": payload, "signatures": signatures}, separators=(",", ":"))
