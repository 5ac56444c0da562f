"""Relying-party access: apply, approve or reject, and manage API keys (应用接入)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.audit import ElicenseAction
from elicense.models import RelyingParty, RelyingPartyStatus
from elicense.models.relying_parties import Need, hash_api_key
from portal.audit import record_event

KEY_PREFIX = "rp_"


def _new_key(party: RelyingParty) -> str:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    party.api_key_hash = hash_api_key(key)
    party.api_key_prefix = key[:10]
    party.api_key_issued_at = timezone.now()
    return key


@transaction.atomic
def apply_for_access(*, acting_user=None, matters=(), **fields) -> RelyingParty:
    """Record an organisation's access application (济宁附件1/附件2), pending review."""
    party = RelyingParty(**fields)
    party.full_clean(exclude=["status"])
    party.save()
    party.matters.set(matters)
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_APPLIED,
        obj=party,
        changes={"org_name": party.org_name, "system_name": party.system_name},
    )
    return party


def _locked(party) -> RelyingParty:
    return RelyingParty.objects.select_for_update().get(pk=party.pk)


@transaction.atomic
def approve_relying_party(*, acting_user, party, reason="") -> tuple[RelyingParty, str]:
    """Approve an application and issue its API key, returned once and stored hashed."""
    party = _locked(party)
    if party.status != RelyingPartyStatus.PENDING:
        raise ValidationError(f"该申请{party.get_status_display()}，不能再审核。")
    party.approve(by=acting_user, at=timezone.now(), reason=reason)
    key = _new_key(party)
    party.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_APPROVED,
        obj=party,
        changes={"key_prefix": party.api_key_prefix},
    )
    return party, key


@transaction.atomic
def reject_relying_party(*, acting_user, party, reason) -> RelyingParty:
    """Reject an application; the reason is required and kept."""
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": "驳回须填写理由。"})
    party = _locked(party)
    if party.status != RelyingPartyStatus.PENDING:
        raise ValidationError(f"该申请{party.get_status_display()}，不能再审核。")
    party.reject(by=acting_user, at=timezone.now(), reason=reason.strip())
    party.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_REJECTED,
        obj=party,
        changes={"reason": reason},
    )
    return party


@transaction.atomic
def rotate_api_key(*, acting_user, party) -> tuple[RelyingParty, str]:
    """Replace the party's key: the old one stops working at once."""
    party = _locked(party)
    if party.status != RelyingPartyStatus.APPROVED:
        raise ValidationError("只有已接入的单位可以更换密钥。")
    old_prefix = party.api_key_prefix
    key = _new_key(party)
    party.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_KEY_ROTATED,
        obj=party,
        changes={"old": old_prefix, "new": party.api_key_prefix},
    )
    return party, key


@transaction.atomic
def require_sm2_signatures(*, acting_user, party, required: bool) -> RelyingParty:
    """Set whether the party's token verifications demand an SM2 signature (ADR 0023)."""
    party = _locked(party)
    party.require_sm2 = required
    party.save(update_fields=["require_sm2"])
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_SM2_REQUIRED
        if required
        else ElicenseAction.RELYING_PARTY_SM2_NOT_REQUIRED,
        obj=party,
        changes={"require_sm2": required},
    )
    return party


@transaction.atomic
def revoke_api_key(*, acting_user, party, reason) -> RelyingParty:
    """Suspend the party and revoke its key."""
    party = _locked(party)
    if party.status != RelyingPartyStatus.APPROVED:
        raise ValidationError("只有已接入的单位可以停用。")
    party.suspend(by=acting_user, at=timezone.now(), reason=reason or "停用")
    party.api_key_hash = ""
    party.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_SUSPENDED,
        obj=party,
        changes={"reason": reason},
    )
    return party


def create_relying_party(*, name: str, peak_qps: int, acting_user=None) -> tuple[RelyingParty, str]:
    """Operators' shortcut (``manage.py create_relying_party``): apply and approve at once."""
    with transaction.atomic():
        party = apply_for_access(
            acting_user=acting_user,
            org_name=name,
            org_nature="enterprise",
            uscc="",
            address="—",
            contact_name="运维",
            contact_position="—",
            contact_phone="—",
            contact_email="ops@example.invalid",
            system_name=name,
            system_endpoint="—",
            business_summary="命令行创建",
            needs=[Need.PRESENTATION],
            verification_range="national",
            channels=["pc"],
            yearly_volume=min(peak_qps * 86_400, 2_000_000_000),
            peak_qps=peak_qps,
        )
        return approve_relying_party(acting_user=acting_user, party=party, reason="命令行创建")


def party_for_key(key: str) -> RelyingParty | None:
    if not key or not key.startswith(KEY_PREFIX):
        return None
    return RelyingParty.objects.filter(
        api_key_hash=hash_api_key(key), status=RelyingPartyStatus.APPROVED
    ).first()
