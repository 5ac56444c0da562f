"""Issuing, changing, cancelling and expiring food operation licences."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.models.changes import ChangeType
from elicense.services.changes import record_carried_permit_change
from licensing.audit import LicensingAction
from licensing.models import (
    FoodBusinessItem,
    FoodLicence,
    FoodSubjectType,
)
from licensing.services import certification
from licensing.services.common import authority_name, lock_entity, require_active, require_clerk_of
from portal.audit import diff, record_event
from portal.identifiers import make_food_licence_number, same_text
from portal.services import CounterExhausted, take_counter

MAX_SERIAL = 999_999
#: The prefix of food-licence serial keys among the portal's counters (frozen in the
#: data migration that moved them there).
COUNTER_NAMESPACE = "licensing:food-"


def five_year_validity_end(start: datetime.date) -> datetime.date:
    """Five years, ending the day before the anniversary (29 Feb counts from 1 Mar)."""
    try:
        anniversary = start.replace(year=start.year + 5)
    except ValueError:
        anniversary = datetime.date(start.year + 5, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def food_serial_key(*, division: str, subject_type: int) -> str:
    """The portal counter of (division, subject type)'s serials (ADR 0032)."""
    return f"{COUNTER_NAMESPACE}{division}-{subject_type}"


def allocate_food_licence_number(*, division: str, subject_type: int) -> str:
    """Take the next serial for (division, subject type) under a row lock; never reused.

    Must run inside the caller's transaction: the lock is held until it commits, so a
    rolled-back issuance gives its serial back rather than leaving a gap in use.
    """
    key = food_serial_key(division=division, subject_type=subject_type)
    try:
        serial = take_counter(key=key, ceiling=MAX_SERIAL)[0]
    except CounterExhausted:
        raise ValidationError("本区该主体业态的许可证流水号已用尽，请联系系统管理员。") from None
    return make_food_licence_number(subject_type=subject_type, division=division, serial=serial)


def _clean_items(business_items) -> list[str]:
    items = list(dict.fromkeys(business_items or []))
    if not items:
        raise ValidationError({"business_items": "请至少选择一个经营项目。"})
    bad = [item for item in items if item not in FoodBusinessItem.values]
    if bad:
        raise ValidationError({"business_items": f"未知的经营项目：{'、'.join(bad)}。"})
    return [item for item in FoodBusinessItem.values if item in items]


def _clean_address(address) -> str:
    address = (address or "").strip()
    if not address:
        raise ValidationError({"premises_address": "请填写经营场所。"})
    return address


def _snapshot(licence: FoodLicence) -> dict:
    return {
        "operator_name": licence.operator_name,
        "legal_person_name": licence.legal_person_name,
        "business_items": licence.business_items,
        "premises_address": licence.premises_address,
    }


@transaction.atomic
def issue_food_licence(
    *,
    acting_user,
    entity,
    subject_type,
    business_items,
    premises_address,
    valid_from=None,
) -> FoodLicence:
    """Issue a food operation licence to an active entity of the clerk's district.

    Allocates the number race-free, sets a five-year validity, audits the issuance.
    """
    entity = lock_entity(entity)
    require_clerk_of(acting_user, entity.district)
    require_active(entity)
    if subject_type not in FoodSubjectType.values:
        raise ValidationError({"subject_type": "请选择主体业态。"})
    items = _clean_items(business_items)
    address = _clean_address(premises_address)
    _refuse_if_composite_covers(entity, address)
    valid_from = valid_from or timezone.localdate()
    if valid_from < entity.established_on:
        raise ValidationError(
            {"valid_from": f"有效期不能早于主体成立日期（{entity.established_on:%Y年%m月%d日}）。"}
        )
    licence = FoodLicence.objects.create(
        number=allocate_food_licence_number(division=entity.district_id, subject_type=subject_type),
        entity=entity,
        holder_uscc=entity.uscc,
        operator_name=entity.name,
        legal_person_name=entity.legal_person_name,
        subject_type=subject_type,
        business_items=items,
        premises_address=address,
        district=entity.district,
        issuing_authority=authority_name(entity.district),
        valid_from=valid_from,
        valid_to=five_year_validity_end(valid_from),
        issued_at=timezone.now(),
        issued_by=acting_user,
        reason="首次申请",
    )
    record_event(
        actor=acting_user,
        action=LicensingAction.FOOD_LICENCE_ISSUED,
        obj=licence,
        changes={"number": licence.number, "holder_uscc": entity.uscc, **_snapshot(licence)},
    )
    certification.certify_food_licence(acting_user=acting_user, licence=licence)
    return licence


def _refuse_if_composite_covers(entity, address: str) -> None:
    """单轨制: while a composite licence carries the food permit for these premises, the
    window issues no separate food licence for them."""
    for carried in entity.food_licences.filter(is_current=True, in_composite=True):
        if carried.state.in_force and same_text(carried.premises_address, address):
            raise ValidationError(
                {
                    "premises_address": f"该经营场所的食品经营许可已纳入行业综合许可证"
                    f"（{carried.number}），不再单独发证；如需变更请办理一业一证变更。"
                }
            )


def _lock_current(licence: FoodLicence) -> FoodLicence:
    licence = (
        FoodLicence.objects.select_for_update()
        .select_related("entity", "district")
        .get(pk=licence.pk)
    )
    if not licence.is_current or not licence.is_active():
        raise ValidationError(f"该许可证{licence.get_status_display()}，不能办理此业务。")
    if licence.in_composite:
        raise ValidationError(
            f"该食品经营许可纳入行业综合许可证（{licence.number}），请通过一业一证办理变更或注销。"
        )
    return licence


def _new_version(*, acting_user, licence, reason, **fields) -> FoodLicence:
    before = _snapshot(licence)
    now = timezone.now()
    licence.supersede(at=now)
    licence.save()
    successor = FoodLicence.objects.create(
        number=licence.number,
        version=licence.version + 1,
        entity=licence.entity,
        holder_uscc=licence.holder_uscc,
        operator_name=fields.get("operator_name", licence.operator_name),
        legal_person_name=fields.get("legal_person_name", licence.legal_person_name),
        subject_type=licence.subject_type,
        business_items=fields.get("business_items", licence.business_items),
        premises_address=fields.get("premises_address", licence.premises_address),
        district=licence.district,
        issuing_authority=licence.issuing_authority,
        valid_from=licence.valid_from,
        valid_to=licence.valid_to,
        issued_at=now,
        issued_by=acting_user,
        reason=reason,
    )
    record_event(
        actor=acting_user,
        action=LicensingAction.FOOD_LICENCE_CHANGED,
        obj=successor,
        changes={"version": successor.version, **diff(before, _snapshot(successor))},
    )
    certification.certify_food_licence(acting_user=acting_user, licence=successor, previous=licence)
    return successor


@transaction.atomic
def change_food_licence(
    *, acting_user, licence, business_items=None, premises_address=None
) -> FoodLicence:
    """Change a food licence (许可变更): a new version under the same number and validity."""
    licence = _lock_current(licence)
    require_clerk_of(acting_user, licence.district)
    require_active(licence.entity)
    fields = {}
    if business_items is not None:
        fields["business_items"] = _clean_items(business_items)
    if premises_address is not None:
        fields["premises_address"] = _clean_address(premises_address)
    if not diff(_snapshot(licence), {**_snapshot(licence), **fields}):
        raise ValidationError("没有需要变更的许可事项。")
    return _new_version(acting_user=acting_user, licence=licence, reason="许可变更", **fields)


def reissue_for_entity_change(*, acting_user, licence, entity) -> FoodLicence:
    """Carry a changed name or legal representative onto a food licence (联动变更).

    Called by ``change_registration`` inside its transaction.
    """
    licence = _lock_current(licence)
    return _new_version(
        acting_user=acting_user,
        licence=licence,
        reason="营业执照变更联动",
        operator_name=entity.name,
        legal_person_name=entity.legal_person_name,
    )


def carry_food_permit(
    *,
    acting_user,
    entity,
    number,
    subject_type,
    business_items,
    premises_address,
    valid_from,
    valid_to,
    issuing_authority,
    reason,
) -> FoodLicence:
    """Record the food permit a composite licence carries (一业一证) as a food licence.

    Called by the composite licence's services inside their transaction, for each version
    that includes an approved 食品经营许可: the first version creates it under the composite
    licence's number, later ones supersede the previous version. No certificate of its own:
    the composite licence's certificate proves it (同等证明力).
    """
    previous = (
        FoodLicence.objects.select_for_update().filter(number=number, is_current=True).first()
    )
    if previous is not None and previous.is_active():
        previous.supersede(at=timezone.now())
        previous.save()
        record_carried_permit_change(previous, ChangeType.SUPERSEDED)
    elif previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    licence = FoodLicence.objects.create(
        number=number,
        version=previous.version + 1 if previous else 1,
        in_composite=True,
        entity=entity,
        holder_uscc=entity.uscc,
        operator_name=entity.name,
        legal_person_name=entity.legal_person_name,
        subject_type=subject_type,
        business_items=_clean_items(business_items),
        premises_address=_clean_address(premises_address),
        district=entity.district,
        issuing_authority=issuing_authority,
        valid_from=valid_from,
        valid_to=valid_to,
        issued_at=timezone.now(),
        issued_by=acting_user,
        reason=reason,
    )
    record_event(
        actor=acting_user,
        action=LicensingAction.FOOD_LICENCE_CARRIED,
        obj=licence,
        changes={"number": number, "version": licence.version, **_snapshot(licence)},
    )
    record_carried_permit_change(licence, ChangeType.ISSUED)
    return licence


def end_carried_food_permit(*, acting_user, number, reason) -> FoodLicence | None:
    """End the food permit of a composite licence with it (注销 or 吊销), in the caller's
    transaction; nothing to do when the composite licence carried none."""
    licence = (
        FoodLicence.objects.select_for_update()
        .filter(number=number, is_current=True, in_composite=True)
        .first()
    )
    if licence is None or not licence.is_active():
        return licence
    return end_food_licence(acting_user=acting_user, licence=licence, reason=reason, at=None)


def end_food_licence(*, acting_user, licence, reason, at) -> FoodLicence:
    """Cancel one licence inside the caller's transaction and audit it."""
    licence.cancel(at=at or timezone.now(), reason=reason)
    licence.save()
    record_event(
        actor=acting_user,
        action=LicensingAction.FOOD_LICENCE_CANCELLED,
        obj=licence,
        changes={"reason": reason},
    )
    if licence.in_composite:  # no certificate of its own: its event is recorded here
        record_carried_permit_change(licence, ChangeType.CANCELLED)
    certification.end_certificate(
        licence=licence, how="cancel", acting_user=acting_user, reason=reason
    )
    return licence


@transaction.atomic
def cancel_food_licence(*, acting_user, licence, reason) -> FoodLicence:
    """Cancel a food licence (注销许可) on the holder's request or by decision."""
    licence = _lock_current(licence)
    require_clerk_of(acting_user, licence.district)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写注销原因。"})
    lock_entity(licence.entity)
    return end_food_licence(
        acting_user=acting_user, licence=licence, reason=reason, at=timezone.now()
    )


@transaction.atomic
def expire_food_licences(*, today: datetime.date | None = None) -> int:
    """Mark active licences whose validity ended before ``today`` as expired (daily task).

    Each expiry is audited with the system as actor. Idempotent: a second run finds
    nothing left to expire.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    count = 0
    for licence in FoodLicence.objects.due_to_expire(today).select_for_update():
        licence.expire(at=now)
        licence.save()
        record_event(
            actor=None,
            action=LicensingAction.FOOD_LICENCE_EXPIRED,
            obj=licence,
            changes={"valid_to": licence.valid_to},
        )
        if licence.in_composite:  # no certificate of its own: its event is recorded here
            record_carried_permit_change(licence, ChangeType.EXPIRED)
        certification.end_certificate(licence=licence, how="expire", acting_user=None)
        count += 1
    return count
