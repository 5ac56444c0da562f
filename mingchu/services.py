"""Writes of the bright-kitchen project: quota adjustments by the city bureau."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from mingchu.models import DistrictQuota, QuotaChange
from portal.audit import record_event
from portal.models import Role

ADJUSTABLE = {"food_court": "美食广场示范店数量", "other_areas": "其他区域示范店数量"}


@transaction.atomic
def adjust_quota(*, acting_user, quota, reason: str, **values) -> DistrictQuota:
    """A city officer changes a district's quota; every changed figure is kept with the reason."""
    if acting_user.role != Role.CITY_OFFICER:
        raise PermissionDenied("只有市局人员可以调整布点数量。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "调整布点须填写原因。"})
    unknown = set(values) - set(ADJUSTABLE)
    if unknown:
        raise ValueError(f"not adjustable: {sorted(unknown)}")
    quota = DistrictQuota.objects.select_for_update().get(pk=quota.pk)
    changes = {}
    for field, new in values.items():
        if new is None or new == getattr(quota, field):
            continue
        if new < 0:
            raise ValidationError({field: "数量不能为负数。"})
        QuotaChange.objects.create(
            quota=quota,
            field=field,
            old_value=getattr(quota, field),
            new_value=new,
            reason=reason,
            changed_by=acting_user,
        )
        changes[field] = [getattr(quota, field), new]
        setattr(quota, field, new)
    if not changes:
        raise ValidationError("数量没有变化。")
    quota.save()
    record_event(
        actor=acting_user, action="quota.adjusted", obj=quota, changes={**changes, "reason": reason}
    )
    return quota
