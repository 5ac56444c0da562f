"""Supplier lists (供货者查验): add, remove, and the daily re-check with alerts."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from licensing.models import (
    EntityStatus,
    FoodLicence,
    FoodLicenceStatus,
    MarketEntity,
    Supplier,
    SupplierState,
)
from licensing.models.suppliers import ALERT_STATES
from portal.audit import record_event
from portal.identifiers import (
    normalise_identifier,
    validate_food_licence_number,
    validate_uscc,
)
from portal.models import Role
from portal.services import notify_entity

EXPIRY_WARNING = datetime.timedelta(days=30)


def normalise_supplier_identifier(text: str) -> str:
    """A USCC or a food-licence number, normalised; a Chinese error otherwise."""
    identifier = normalise_identifier(text)
    if identifier.startswith("JY"):
        return validate_food_licence_number(identifier)
    return validate_uscc(identifier)


def _licence_state(licence: FoodLicence, today) -> str:
    if licence.status == FoodLicenceStatus.CANCELLED:
        return SupplierState.CANCELLED
    if licence.status == FoodLicenceStatus.EXPIRED or licence.valid_to < today:
        return SupplierState.EXPIRED
    if licence.valid_to - today <= EXPIRY_WARNING:
        return SupplierState.EXPIRING
    return SupplierState.VALID


def supplier_state(identifier: str, today: datetime.date) -> tuple[str, str, datetime.date | None]:
    """(state, name, licence valid_to) of a supplier as the register says now."""
    if identifier.startswith("JY"):
        licence = (
            FoodLicence.objects.filter(number=identifier, is_current=True)
            .select_related("entity")
            .first()
        )
        if licence is None:
            return SupplierState.NOT_FOUND, "", None
        if licence.entity.status != EntityStatus.ACTIVE:
            return SupplierState.ENTITY_ENDED, licence.operator_name, licence.valid_to
        return _licence_state(licence, today), licence.operator_name, licence.valid_to
    entity = MarketEntity.objects.filter(uscc=identifier).first()
    if entity is None:
        return SupplierState.NOT_FOUND, "", None
    if entity.status != EntityStatus.ACTIVE:
        return SupplierState.ENTITY_ENDED, entity.name, None
    licences = list(entity.food_licences.filter(is_current=True).order_by("valid_to"))
    active = [fl for fl in licences if fl.status == FoodLicenceStatus.ACTIVE]
    if licences and not active:
        return _licence_state(licences[-1], today), entity.name, licences[-1].valid_to
    if active:
        return _licence_state(active[0], today), entity.name, active[0].valid_to
    return SupplierState.VALID, entity.name, None


def _require_owner(user) -> str:
    if user.role != Role.ENTERPRISE or not user.entity_uscc:
        raise PermissionDenied("只有企业用户可以维护供货者清单。")
    return user.entity_uscc


@transaction.atomic
def add_supplier(*, acting_user, identifier: str, note: str = "") -> Supplier:
    """Add a supplier to the user's entity's list and check it at once."""
    owner = _require_owner(acting_user)
    try:
        identifier = normalise_supplier_identifier(identifier)
    except ValidationError as error:
        raise ValidationError({"identifier": error.messages}) from error
    state, name, valid_to = supplier_state(identifier, timezone.localdate())
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(
                owner_uscc=owner,
                identifier=identifier,
                note=note.strip(),
                state=state,
                name=name,
                valid_to=valid_to,
                checked_at=timezone.now(),
            )
    except IntegrityError as error:
        raise ValidationError({"identifier": "该供货者已在清单中。"}) from error
    record_event(actor=acting_user, action="supplier.added", obj=supplier, changes={"state": state})
    return supplier


@transaction.atomic
def remove_supplier(*, acting_user, supplier: Supplier) -> None:
    owner = _require_owner(acting_user)
    if supplier.owner_uscc != owner:
        raise PermissionDenied("不能删除其他主体的供货者。")
    record_event(actor=acting_user, action="supplier.removed", obj=supplier)
    supplier.delete()


def recheck_supplier_lists(*, today: datetime.date | None = None) -> int:
    """Daily: re-check every supplier; alert the owner when one turns bad. Returns alerts."""
    today = today or timezone.localdate()
    alerts = 0
    for supplier_id in Supplier.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            supplier = Supplier.objects.select_for_update().get(pk=supplier_id)
            state, name, valid_to = supplier_state(supplier.identifier, today)
            if state in ALERT_STATES and state != supplier.state:
                label = name or supplier.identifier
                notify_entity(
                    uscc=supplier.owner_uscc,
                    message=f"供货者“{label}”：{SupplierState(state).label}"
                    + (f"（有效期至{valid_to:%Y-%m-%d}）" if valid_to else ""),
                    link=reverse("licensing:supplier_list"),
                )
                alerts += 1
            supplier.state, supplier.name = state, name or supplier.name
            supplier.valid_to, supplier.checked_at = valid_to, timezone.now()
            supplier.save()
    return alerts
