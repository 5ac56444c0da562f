"""Relying-party access: apply, approve or reject, and manage API keys (应用接入)."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from elicense.audit import ElicenseAction
from elicense.models import RelyingParty, RelyingPartyStatus
from elicense.models.relying_parties import (
    SCENARIO_FUNCTIONS,
    Need,
    hash_api_key,
    parse_matter_tree,
)
from elicense.queries import memory
from portal.audit import record_event
from portal.services import save_from_admin

KEY_PREFIX = "rp_"


def _new_key(party: RelyingParty) -> str:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    party.api_key_hash = hash_api_key(key)
    party.api_key_prefix = key[:10]
    party.api_key_issued_at = timezone.now()
    return key


#: The stamped scan's content types, by their first bytes (ADR 0011: the file decides
#: nothing; its name and declared type are never trusted).
SCAN_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def check_stamped_scan(upload) -> str:
    """The scan's content type (PDF, JPEG or PNG by content), bounded in size; a Chinese
    field error otherwise."""
    limit = settings.ELICENSE_STAMPED_SCAN_MAX_BYTES
    if upload is None or not upload.size:
        raise ValidationError({"stamped_scan": "请上传加盖单位公章的扫描件。"})
    if upload.size > limit:
        raise ValidationError(
            {"stamped_scan": f"扫描件过大：上限 {limit // (1024 * 1024)} MB，请压缩后再上传。"}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in SCAN_SIGNATURES:
        if head.startswith(magic):
            return content_type
    raise ValidationError(
        {"stamped_scan": "扫描件只接受 PDF、JPEG 或 PNG 文件（按文件内容识别）。"}
    )


def clean_scenarios(rows) -> list[dict]:
    """附件2's rows: 应用事项名称, 实施部门, 办事系统, the 应用功能 ticked among the four
    columns, and 备注. A row with a name needs its department, system and one function."""
    cleaned = []
    for number, row in enumerate(rows or (), start=1):
        name = str(row.get("应用事项名称") or "").strip()
        department = str(row.get("实施部门") or "").strip()
        system = str(row.get("办事系统") or "").strip()
        functions = [f for f in SCENARIO_FUNCTIONS if f in (row.get("应用功能") or ())]
        remark = str(row.get("备注") or "").strip()
        if not (name or department or system or functions or remark):
            continue
        if not (name and department and system):
            raise ValidationError(
                {"scenarios": f"应用场景第{number}行须填写应用事项名称、实施部门和办事系统。"}
            )
        if not functions:
            raise ValidationError({"scenarios": f"应用场景第{number}行须勾选至少一项应用功能。"})
        cleaned.append(
            {"应用事项名称": name, "实施部门": department, "办事系统": system,
             "应用功能": functions, "备注": remark}
        )  # fmt: skip
    return cleaned


@transaction.atomic
def apply_for_access(
    *, acting_user=None, stamped_scan=None, scenarios=(), **fields
) -> RelyingParty:
    """Record an organisation's access application (济宁附件1/附件2), pending the sign-offs.

    附件1's applicant block is required: the commitment ticked (``COMMITMENT``), 申请人（签字）,
    申请单位（盖章） (the 机构名称) and the stamped scan (加盖单位公章扫描件, PDF/JPEG/PNG by
    content, bounded). The 授权事项目录树 is free text as on the form, checked line by line.
    Nothing is written when anything is refused. Writes ``relying_party.applied``.
    """
    if not fields.get("committed"):
        raise ValidationError({"committed": "请阅读并勾选承诺。"})
    sealing_unit = str(fields.get("sealing_unit") or "").strip()
    if sealing_unit and sealing_unit != str(fields.get("org_name") or "").strip():
        raise ValidationError({"sealing_unit": "盖章单位应与机构名称一致。"})
    signatures = (("applicant_signatory", "申请人（签字）"), ("sealing_unit", "申请单位（盖章）"))
    for field, label in signatures:
        if not str(fields.get(field) or "").strip():
            raise ValidationError({field: f"请填写“{label}”。"})
    parse_matter_tree(fields.get("matter_tree", ""))
    content_type = check_stamped_scan(stamped_scan)
    party = RelyingParty(**fields, scenarios=clean_scenarios(scenarios))
    party.stamped_scan_type = content_type
    party.full_clean(exclude=["status", "stamped_scan"])
    # Written last, after every check, under a random name (stamped_scan_path).
    party.stamped_scan.save(stamped_scan.name or "scan", stamped_scan, save=False)
    party.save()
    name = party.stamped_scan.name
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_APPLIED,
        obj=party,
        changes={
            "org_name": party.org_name,
            "system_name": party.system_name,
            "yearly_volume_10k": party.yearly_volume_10k,
            "scan": {"type": content_type, "size": stamped_scan.size, "file": name},
        },
    )
    return party


def _locked(party) -> RelyingParty:
    return RelyingParty.objects.select_for_update().get(pk=party.pk)


def _require_transition(acting_user, party, transition, who: str) -> None:
    """The state first (what may be done now), then the FSM guard (who may sign), then the
    conditions (附件1's applicant block complete)."""
    if not can_proceed(transition, check_conditions=False):
        raise ValidationError(f"该申请{party.get_status_display()}，不能办理此操作。")
    meta = transition._django_fsm  # the guard alone: conditions are answered below
    if acting_user is not None and not meta.has_transition_perm(party, party.status, acting_user):
        raise PermissionDenied(f"只有{who}可以签署该意见。")
    if not can_proceed(transition):
        raise ValidationError("申请人承诺、签字盖章或扫描件不全，不能办理此操作。")


def _sign(*, acting_user, party, step: str, who: str, opinion: str, action, kept_in: str):
    """One of 附件1's sign-off blocks before the last: the transition ``step`` (guarded as
    ``_require_transition`` says), the opinion kept in ``kept_in``, and the audit event."""
    party = _locked(party)
    before = party.status
    transition = getattr(party, step)
    _require_transition(acting_user, party, transition, who)
    transition(by=acting_user, at=timezone.now(), opinion=(opinion or "").strip())
    party.save()
    record_event(
        actor=acting_user,
        action=action,
        obj=party,
        changes={"status": [before, party.status], "opinion": getattr(party, kept_in)},
    )
    return party


@transaction.atomic
def accept_access_application(*, acting_user, party, opinion="") -> RelyingParty:
    """附件1's 受理信息 (市场监管部门受理意见, 受理人, 日期): a city officer
    (``elicense.accept_access``) accepts the application before the two sign-offs.
    Writes ``relying_party.accepted``."""
    return _sign(
        acting_user=acting_user, party=party, step="accept", who="市场监管部门受理人",
        opinion=opinion, action=ElicenseAction.RELYING_PARTY_ACCEPTED,
        kept_in="acceptance_opinion",
    )  # fmt: skip


@transaction.atomic
def sign_off_guidance(*, acting_user, party, opinion="") -> RelyingParty:
    """总局业务指导部门（签字）: the first of 附件1's two sign-offs, after 受理 (a city
    officer, ``elicense.sign_off_guidance``). Writes ``relying_party.guidance_signed``."""
    return _sign(
        acting_user=acting_user, party=party, step="sign_guidance", who="业务指导部门",
        opinion=opinion, action=ElicenseAction.RELYING_PARTY_GUIDANCE_SIGNED,
        kept_in="guidance_opinion",
    )  # fmt: skip


@transaction.atomic
def sign_off_operations(*, acting_user, party, opinion="") -> tuple[RelyingParty, str]:
    """总局系统运维部门（签字）: the second sign-off (an administrator other than the first
    signer, ``elicense.sign_off_operations``); the party is connected and its API key issued,
    returned once and stored hashed. Writes ``relying_party.approved``."""
    party = _locked(party)
    _require_transition(acting_user, party, party.sign_operations, "系统运维部门（另一人）")
    party.sign_operations(by=acting_user, at=timezone.now(), opinion=(opinion or "").strip())
    key = _new_key(party)
    party.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_APPROVED,
        obj=party,
        changes={"status": ["guided", party.status], "key_prefix": party.api_key_prefix},
    )
    return party, key


@transaction.atomic
def reject_relying_party(*, acting_user, party, reason) -> RelyingParty:
    """Either department refuses the application; the reason is required and kept."""
    if not (reason or "").strip():
        raise ValidationError({"decision_reason": "驳回须填写理由。"})
    party = _locked(party)
    _require_transition(acting_user, party, party.reject, "业务指导部门或系统运维部门")
    previous = party.status
    party.reject(by=acting_user, at=timezone.now(), reason=reason.strip())
    party.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.RELYING_PARTY_REJECTED,
        obj=party,
        changes={"status": [previous, party.status], "reason": reason},
    )
    return party


@transaction.atomic
def rotate_api_key(*, acting_user, party) -> tuple[RelyingParty, str]:
    """Replace the party's key: the old one stops working at once."""
    party = _locked(party)
    memory.invalidate(f"party:{party.pk}")
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
def save_party_from_admin(*, acting_user, party, changed_fields=()) -> RelyingParty:
    """Save a party's details edited in the admin, audited, and make every process forget
    the party it holds (ADR 0024), so a changed peak or contact applies on the next call."""
    save_from_admin(
        acting_user=acting_user, obj=party, created=False, changed_fields=changed_fields
    )
    memory.invalidate(f"party:{party.pk}")
    return party


@transaction.atomic
def require_sm2_signatures(*, acting_user, party, required: bool) -> RelyingParty:
    """Set whether the party's token verifications demand an SM2 signature (ADR 0023)."""
    party = _locked(party)
    memory.invalidate(f"party:{party.pk}")
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
    memory.invalidate(f"party:{party.pk}")
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
    """Operators' shortcut (``manage.py create_relying_party``): a connection the operators
    set up themselves, recorded as applied and signed off by the system (no paper form: the
    audit trail says 命令行创建)."""
    with transaction.atomic():
        party = RelyingParty(
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
            yearly_volume_10k=Decimal(min(peak_qps * 86_400 * 365, 10**11)) / 10_000,
            peak_qps=peak_qps,
            committed=True,
            applicant_signatory="运维",
            sealing_unit=name,
        )
        party.full_clean(exclude=["status", "stamped_scan"])
        now = timezone.now()
        party.status = RelyingPartyStatus.APPROVED
        party.guidance_signed_at = party.decided_at = now
        party.guidance_opinion = party.decision_reason = "命令行创建"
        key = _new_key(party)
        party.save()
        record_event(
            actor=acting_user,
            action=ElicenseAction.RELYING_PARTY_CREATED_BY_COMMAND,
            obj=party,
            changes={"peak_qps": peak_qps, "key_prefix": party.api_key_prefix},
        )
        return party, key


def party_for_key(key: str) -> RelyingParty | None:
    """The approved party holding ``key``; from process memory when it may be trusted
    (ADR 0024: a rotation, revocation or suspension is forgotten on the next call)."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    digest = hash_api_key(key)
    usable = memory.usable()
    party = memory.parties.get(digest) if usable else None
    if party is None:
        party = RelyingParty.objects.filter(
            api_key_hash=digest, status=RelyingPartyStatus.APPROVED
        ).first()
        if party is not None and usable:
            memory.parties.put(digest, party)
    return party
