"""Supplier lists (供货者查验): add, remove, and the daily re-check with alerts."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from elicense.permissions import require
from licensing.audit import LicensingAction
from licensing.models import Supplier, SupplierState
from licensing.models.suppliers import ALERT_STATES
from licensing.queries.suppliers import check_suppliers, is_permit_number
from portal.audit import record_event
from portal.identifiers import normalise_identifier, validate_food_permit_number, validate_uscc
from portal.services import notify_entity


def normalise_supplier_identifier(text: str) -> str:
    """A USCC, a food-licence or composite-licence number, normalised; a Chinese error
    otherwise."""
    text = normalise_identifier(text)
    if is_permit_number(text):
        return validate_food_permit_number(text)
    return validate_uscc(text)


def supplier_state(identifier: str, today: datetime.date) -> tuple[str, str, datetime.date | None]:
    """(state, name, licence valid_to) of one supplier as the register says now."""
    check = check_suppliers([identifier], today)[identifier]
    return check.state, check.name, check.valid_to


def _require_owner(user) -> str:
    """The entity whose list ``user`` may keep (``licensing.manage_suppliers``)."""
    require(user, "licensing.manage_suppliers")
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
    record_event(
        actor=acting_user,
        action=LicensingAction.SUPPLIER_ADDED,
        obj=supplier,
        changes={"state": state},
    )
    return supplier


@transaction.atomic
def remove_supplier(*, acting_user, supplier: Supplier) -> None:
    owner = _require_owner(acting_user)
    if supplier.owner_uscc != owner:
        raise PermissionDenied("不能删除其他主体的供货者。")
    record_event(actor=acting_user, action=LicensingAction.SUPPLIER_REMOVED, obj=supplier)
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
