"""Creating, rotating and retiring the issuer's signing keys (Ed25519 and SM2, one active each)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elicense import crypto
from elicense.audit import ElicenseAction
from elicense.models import KeyAlgorithm, SigningKey, SigningKeyStatus
from elicense.queries import memory
from portal.audit import record_event


def _algorithm(value) -> KeyAlgorithm:
    try:
        return KeyAlgorithm(value)
    except ValueError as error:
        raise ValidationError(
            f"不支持的密钥算法“{value}”（可选 ed25519、sm2、rsa、p256）。"
        ) from error


def _unused_kid(algorithm: KeyAlgorithm) -> str:
    """A key id no key has: two keys made the same day share only 16 random bits, so one
    rotation in 65,536 would otherwise take its predecessor's id and fail."""
    prefix = "" if algorithm == KeyAlgorithm.ED25519 else f"{algorithm}-"
    kid = prefix + crypto.new_kid()
    while SigningKey.objects.filter(kid=kid).exists():
        kid = prefix + crypto.new_kid()
    return kid


def _create(acting_user, algorithm: KeyAlgorithm) -> SigningKey:
    public_key, encrypted = crypto.new_key_pair(algorithm)
    kid = _unused_kid(algorithm)
    key = SigningKey.objects.create(
        kid=kid, algorithm=algorithm, public_key=public_key, encrypted_private_key=encrypted
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.SIGNING_KEY_CREATED,
        obj=key,
        changes={"kid": key.kid, "algorithm": algorithm.value},
    )
    return key


@transaction.atomic
def create_signing_key(*, acting_user=None, algorithm=KeyAlgorithm.ED25519) -> SigningKey:
    """Create the first active key of ``algorithm``; refused when one is already active."""
    algorithm = _algorithm(algorithm)
    if SigningKey.objects.select_for_update().active(algorithm).exists():
        raise ValidationError(f"已有签发中的密钥（{algorithm.label}）；如需更换请轮换（rotate）。")
    return _create(acting_user, algorithm)


def _retire(key: SigningKey, acting_user) -> None:
    key.status, key.retired_at = SigningKeyStatus.RETIRED, timezone.now()
    key.save(update_fields=["status", "retired_at"])
    record_event(
        actor=acting_user,
        action=ElicenseAction.SIGNING_KEY_RETIRED,
        obj=key,
        changes={"kid": key.kid},
    )


@transaction.atomic
def rotate_signing_key(*, acting_user=None, algorithm=KeyAlgorithm.ED25519) -> SigningKey:
    """Retire the active key of ``algorithm`` and create its successor; old signatures
    still verify."""
    algorithm = _algorithm(algorithm)
    for key in SigningKey.objects.select_for_update().active(algorithm):
        _retire(key, acting_user)
    return _create(acting_user, algorithm)


@transaction.atomic
def retire_signing_key(*, kid: str, acting_user=None) -> SigningKey:
    """Stop signing with ``kid``; it stays published so that its signatures verify."""
    key = SigningKey.objects.select_for_update().filter(kid=kid).first()
    if key is None:
        raise ValidationError(f"没有密钥“{kid}”。")
    if key.status == SigningKeyStatus.RETIRED:
        raise ValidationError(f"密钥“{kid}”已停用。")
    _retire(key, acting_user)
    return key


@transaction.atomic
def distrust_signing_key(*, kid: str, acting_user=None, reason: str) -> SigningKey:
    """A compromised issuer key: it stops signing and verifying at once, in every worker
    (its public key is forgotten through the invalidation channel, ADR 0024); tokens it
    signed answer ``unknown_key``. Certificates must be re-signed with the new key."""
    if not (reason or "").strip():
        raise ValidationError("停止信任密钥须填写原因。")
    key = SigningKey.objects.select_for_update().filter(kid=kid).first()
    if key is None:
        raise ValidationError(f"没有密钥“{kid}”。")
    if key.status == SigningKeyStatus.DISTRUSTED:
        raise ValidationError(f"密钥“{kid}”已停止信任。")
    key.status, key.retired_at = SigningKeyStatus.DISTRUSTED, key.retired_at or timezone.now()
    key.save(update_fields=["status", "retired_at"])
    record_event(
        actor=acting_user,
        action=ElicenseAction.SIGNING_KEY_DISTRUSTED,
        obj=key,
        changes={"kid": key.kid, "reason": reason.strip()},
    )
    memory.invalidate("keys")
    return key
