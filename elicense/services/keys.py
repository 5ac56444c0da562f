"""Creating, rotating and retiring the issuer's signing keys."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elicense import crypto
from elicense.models import SigningKey, SigningKeyStatus
from portal.audit import record_event


def _create(acting_user) -> SigningKey:
    public_key, encrypted = crypto.generate_key_pair()
    key = SigningKey.objects.create(
        kid=crypto.new_kid(), public_key=public_key, encrypted_private_key=encrypted
    )
    record_event(actor=acting_user, action="signing_key.created", obj=key, changes={"kid": key.kid})
    return key


@transaction.atomic
def create_signing_key(*, acting_user=None) -> SigningKey:
    """Create the first active signing key; refused when one is already active."""
    if SigningKey.objects.select_for_update().filter(status=SigningKeyStatus.ACTIVE).exists():
        raise ValidationError("已有签发中的密钥；如需更换请轮换（rotate）。")
    return _create(acting_user)


def _retire(key: SigningKey, acting_user) -> None:
    key.status, key.retired_at = SigningKeyStatus.RETIRED, timezone.now()
    key.save(update_fields=["status", "retired_at"])
    record_event(actor=acting_user, action="signing_key.retired", obj=key, changes={"kid": key.kid})


@transaction.atomic
def rotate_signing_key(*, acting_user=None) -> SigningKey:
    """Retire the active key and create its successor; old signatures still verify."""
    for key in SigningKey.objects.select_for_update().filter(status=SigningKeyStatus.ACTIVE):
        _retire(key, acting_user)
    return _create(acting_user)


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
