"""Registering, changing, cancelling and revoking market entities and their licences."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from licensing.audit import LicensingAction
from licensing.models import BusinessLicence, EntityType, MarketEntity
from licensing.models.licences import BusinessLicenceStatus
from licensing.services import certification, food
from licensing.services.common import (
    authority_name,
    clean_uscc,
    lock_entity,
    require_active,
    require_clerk_of,
)
from portal import hooks
from portal.audit import diff, record_event

#: The registration items a change of registration (变更登记) may alter.
CHANGEABLE_FIELDS = (
    "name",
    "legal_person_name",
    "registered_capital",
    "operating_period_to",
    "address",
    "business_scope",
)


def _issue_business_licence(*, acting_user, entity, reason, previous=None) -> BusinessLicence:
    version = (
        entity.business_licences.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    licence = BusinessLicence.objects.create(
        entity=entity,
        version=version,
        face=entity.face_data(),
        issued_at=timezone.now(),
        issued_by=acting_user,
        reason=reason,
    )
    record_event(
        actor=acting_user,
        action=LicensingAction.BUSINESS_LICENCE_ISSUED,
        obj=licence,
        changes={"version": version, "reason": reason},
    )
    certification.certify_business_licence(
        acting_user=acting_user, licence=licence, previous=previous
    )
    return licence


def _check_uscc_matches_type(uscc: str, entity_type: str) -> None:
    """The USCC's authority/category pair must fit the entity type (9 工商 → 1/2/3)."""
    if uscc[0] != "9":
        raise ValidationError({"uscc": "市场主体的统一社会信用代码第1位应为“9”（工商）。"})
    expected = EntityType(entity_type).info.uscc_category
    if uscc[1] != expected:
        label = EntityType(entity_type).label
        raise ValidationError(
            {"uscc": f"{label}的统一社会信用代码第2位应为“{expected}”，当前为“{uscc[1]}”。"}
        )


def register_entity(
    *,
    acting_user,
    uscc,
    name,
    entity_type,
    legal_person_name,
    established_on,
    address,
    business_scope,
    district,
    registered_capital=None,
    operating_period_to=None,
) -> MarketEntity:
    """Register a market entity (设立登记) and issue version 1 of its business licence.

    Writes the entity, the licence and two audit events in one transaction; a duplicate
    USCC is reported as a field error and leaves nothing behind.
    """
    require_clerk_of(acting_user, district)
    uscc = clean_uscc(uscc)
    _check_uscc_matches_type(uscc, entity_type)
    today = timezone.localdate()
    entity = MarketEntity(
        uscc=uscc,
        name=name.strip(),
        entity_type=entity_type,
        legal_person_name=legal_person_name.strip(),
        registered_capital=registered_capital
        if EntityType(entity_type).info.capital_label
        else None,
        established_on=established_on,
        operating_period_to=operating_period_to,
        address=address.strip(),
        business_scope=business_scope.strip(),
        district=district,
        registration_authority=authority_name(district),
        registered_on=today,
    )
    entity.full_clean(exclude=["uscc"])
    if MarketEntity.objects.filter(uscc=uscc).exists():
        raise ValidationError({"uscc": "该统一社会信用代码已登记，不能重复登记。"})
    try:
        with transaction.atomic():
            entity.save()
            record_event(
                actor=acting_user,
                action=LicensingAction.ENTITY_REGISTERED,
                obj=entity,
                changes={"uscc": uscc, "name": entity.name, "district": district.code},
            )
            _issue_business_licence(acting_user=acting_user, entity=entity, reason="设立登记")
    except IntegrityError as exc:
        raise ValidationError({"uscc": "该统一社会信用代码已登记，不能重复登记。"}) from exc
    return entity


@transaction.atomic
def change_registration(*, acting_user, entity, **changes) -> MarketEntity:
    """Change registration items (变更登记): supersede the licence, issue the next version.

    When the name or the legal representative changes, the entity's active food
    licences are reissued with the new face as well (联动变更), so both stay in step.
    """
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    entity = lock_entity(entity)
    require_clerk_of(acting_user, entity.district)
    require_active(entity)
    before = {field: getattr(entity, field) for field in CHANGEABLE_FIELDS}
    for field, value in changes.items():
        setattr(entity, field, value.strip() if isinstance(value, str) else value)
    if not entity.type_info.capital_label:
        entity.registered_capital = None
    after = {field: getattr(entity, field) for field in CHANGEABLE_FIELDS}
    changed = diff(before, after)
    if not changed:
        raise ValidationError("没有需要变更的登记事项。")
    entity.full_clean(exclude=["uscc"])
    entity.registered_on = timezone.localdate()
    entity.save()
    record_event(
        actor=acting_user, action=LicensingAction.ENTITY_CHANGED, obj=entity, changes=changed
    )
    current = entity.business_licences.get(status="active")
    current.supersede(at=timezone.now())
    current.save()
    _issue_business_licence(
        acting_user=acting_user, entity=entity, reason="变更登记", previous=current
    )
    if {"name", "legal_person_name"} & changed.keys():
        standalone = entity.food_licences.filter(is_current=True, in_composite=False)
        for licence in standalone.filter(status="active"):
            food.reissue_for_entity_change(acting_user=acting_user, licence=licence, entity=entity)
    return entity


#: The business licence's audit action by the status its entity's end leaves it in.
LICENCE_ENDED = {
    BusinessLicenceStatus.CANCELLED: LicensingAction.BUSINESS_LICENCE_CANCELLED,
    BusinessLicenceStatus.REVOKED: LicensingAction.BUSINESS_LICENCE_REVOKED,
}


def _end_entity(*, acting_user, entity, reason, transition_name, action) -> MarketEntity:
    entity = lock_entity(entity)
    require_clerk_of(acting_user, entity.district)
    require_active(entity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写原因。"})
    now = timezone.now()
    getattr(entity, transition_name)(on=timezone.localdate(), reason=reason)
    entity.save()
    record_event(actor=acting_user, action=action, obj=entity, changes={"reason": reason})
    licence = entity.business_licences.get(status="active")
    getattr(licence, transition_name)(at=now)
    licence.save()
    record_event(actor=acting_user, action=LICENCE_ENDED[licence.status], obj=licence, changes={})
    certification.end_certificate(
        licence=licence, how=transition_name, acting_user=acting_user, reason=reason
    )
    ended = f"主体已{entity.get_status_display()}"
    for food_licence in entity.food_licences.filter(is_current=True, status="active"):
        food.end_food_licence(acting_user=acting_user, licence=food_licence, reason=ended, at=now)
    hooks.registry.entity_ended(
        hooks.EntityEnded(
            uscc=entity.uscc, how=transition_name, reason=ended, acting_user=acting_user
        )
    )
    return entity


@transaction.atomic
def cancel_entity(*, acting_user, entity, reason) -> MarketEntity:
    """Cancel the entity (注销登记): every licence it holds (business, food, composite) ends
    with it, in this transaction."""
    return _end_entity(
        acting_user=acting_user,
        entity=entity,
        reason=reason,
        transition_name="cancel",
        action=LicensingAction.ENTITY_CANCELLED,
    )


@transaction.atomic
def revoke_entity(*, acting_user, entity, reason) -> MarketEntity:
    """Revoke the business licence (吊销营业执照): the entity is 吊销 and every licence it
    holds ends with it, in this transaction (composite licences are 吊销 too)."""
    return _end_entity(
        acting_user=acting_user,
        entity=entity,
        reason=reason,
        transition_name="revoke",
        action=LicensingAction.ENTITY_REVOKED,
    )
