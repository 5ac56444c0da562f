"""What the register says of suppliers now: the supplier page and the daily re-check ask this."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from elicense.models.licence_state import LicenceState
from licensing.models import EntityStatus, FoodLicence, MarketEntity, SupplierState
from portal.identifiers import COMPOSITE_LICENCE_PREFIX

#: A supplier's food licence state, as the supplier list words it.
STATE_OF_LICENCE = {
    LicenceState.VALID: SupplierState.VALID,
    LicenceState.EXPIRING: SupplierState.EXPIRING,
    LicenceState.EXPIRED: SupplierState.EXPIRED,
    LicenceState.NOT_YET_VALID: SupplierState.NOT_YET_VALID,
    LicenceState.CANCELLED: SupplierState.CANCELLED,
    LicenceState.REVOKED: SupplierState.CANCELLED,
    LicenceState.SUPERSEDED: SupplierState.CANCELLED,
}


@dataclass(frozen=True)
class SupplierCheck:
    state: str
    name: str = ""
    valid_to: datetime.date | None = None

    @property
    def label(self) -> str:
        return SupplierState(self.state).label

    @property
    def badge_class(self) -> str:
        return SupplierState(self.state).badge_class


def is_permit_number(identifier: str) -> bool:
    return identifier.startswith(("JY", COMPOSITE_LICENCE_PREFIX))


def _of_licence(licence: FoodLicence, today) -> SupplierCheck:
    if licence.entity.status != EntityStatus.ACTIVE:
        return SupplierCheck(SupplierState.ENTITY_ENDED, licence.operator_name, licence.valid_to)
    state = STATE_OF_LICENCE[licence.state_on(today)]
    return SupplierCheck(state, licence.operator_name, licence.valid_to)


def _of_entity(entity: MarketEntity, licences: list[FoodLicence], today) -> SupplierCheck:
    if entity.status != EntityStatus.ACTIVE:
        return SupplierCheck(SupplierState.ENTITY_ENDED, entity.name)
    if not licences:
        return SupplierCheck(SupplierState.VALID, entity.name)
    in_force = [fl for fl in licences if fl.state_on(today).in_force]
    licence = min(in_force, key=lambda fl: fl.valid_to) if in_force else licences[-1]
    return SupplierCheck(STATE_OF_LICENCE[licence.state_on(today)], entity.name, licence.valid_to)


def check_suppliers(identifiers, today: datetime.date) -> dict[str, SupplierCheck]:
    """Each identifier (USCC, food-licence or composite-licence number) → its check today.

    Three queries whatever the number of identifiers; states come from ``licence_state``.
    """
    identifiers = set(identifiers)
    numbers = {i for i in identifiers if is_permit_number(i)}
    usccs = identifiers - numbers
    current = FoodLicence.objects.filter(is_current=True).select_related("entity")
    by_number = {fl.number: fl for fl in current.filter(number__in=numbers)}
    by_holder = defaultdict(list)
    for licence in current.filter(holder_uscc__in=usccs).order_by("valid_to", "number"):
        by_holder[licence.holder_uscc].append(licence)
    entities = {e.uscc: e for e in MarketEntity.objects.filter(uscc__in=usccs)}
    checks = {}
    for identifier in identifiers:
        if identifier in by_number:
            checks[identifier] = _of_licence(by_number[identifier], today)
        elif identifier in entities:
            entity = entities[identifier]
            checks[identifier] = _of_entity(entity, by_holder[identifier], today)
        else:
            checks[identifier] = SupplierCheck(SupplierState.NOT_FOUND)
    return checks
