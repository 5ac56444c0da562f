"""Every write to the register. Views, commands and tasks call these; nothing else writes."""

from licensing.services.bulk import create_bulk_check, resume_stalled_bulk_checks, run_bulk_check
from licensing.services.entities import (
    cancel_entity,
    change_registration,
    register_entity,
    revoke_entity,
)
from licensing.services.food import (
    allocate_food_licence_number,
    cancel_food_licence,
    change_food_licence,
    expire_food_licences,
    five_year_validity_end,
    issue_food_licence,
)
from licensing.services.suppliers import add_supplier, recheck_supplier_lists, remove_supplier

__all__ = [
    "add_supplier",
    "recheck_supplier_lists",
    "remove_supplier",
    "create_bulk_check",
    "resume_stalled_bulk_checks",
    "run_bulk_check",
    "allocate_food_licence_number",
    "cancel_entity",
    "cancel_food_licence",
    "change_food_licence",
    "change_registration",
    "expire_food_licences",
    "five_year_validity_end",
    "issue_food_licence",
    "register_entity",
    "revoke_entity",
]
