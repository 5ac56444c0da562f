"""Writes of the portal core's reference and account rows edited in the Django admin; audited."""

from django.db import transaction

from portal.audit import action_for, record_event


@transaction.atomic
def save_from_admin(*, acting_user, obj, created: bool, changed_fields=()) -> None:
    """Save a reference or account row edited in the Django admin, with its audit event."""
    obj.save()
    record_event(
        actor=acting_user,
        action=action_for(f"{obj._meta.model_name}.{'created' if created else 'changed'}"),
        obj=obj,
        changes={"fields": sorted(changed_fields)},
    )


@transaction.atomic
def delete_from_admin(*, acting_user, obj) -> None:
    """Delete a row in the Django admin, recording what was deleted."""
    record_event(actor=acting_user, action=action_for(f"{obj._meta.model_name}.deleted"), obj=obj)
    obj.delete()
