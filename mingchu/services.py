"""Writes of the bright-kitchen project: quotas, demo-store selection, construction stages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from licensing.models import FoodLicence, FoodLicenceStatus, FoodSubjectType
from mingchu.models import DemoStore, DistrictQuota, QuotaChange, StageChange
from portal.audit import record_event
from portal.identifiers import validate_food_licence_number
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


@transaction.atomic
def register_demo_store(
    *, acting_user, food_licence_number, location_type, expected_completion, year=2022
) -> DemoStore:
    """A district officer selects a demo restaurant by its food licence (示范店选点).

    The licence must exist, be a 餐饮服务 or canteen licence, be active, and belong to the
    officer's district; name, address and district come from it.
    """
    if acting_user.role != Role.DISTRICT_OFFICER or not acting_user.district_id:
        raise PermissionDenied("只有区局人员可以登记示范店。")
    try:
        number = validate_food_licence_number(food_licence_number)
    except ValidationError as error:
        raise ValidationError({"food_licence_number": error.messages}) from error
    licence = FoodLicence.objects.filter(number=number, is_current=True).first()
    if licence is None:
        raise ValidationError({"food_licence_number": "登记中没有该食品经营许可证。"})
    if licence.subject_type not in (FoodSubjectType.CATERING, FoodSubjectType.CANTEEN):
        raise ValidationError({"food_licence_number": "示范店须持餐饮服务或单位食堂许可证。"})
    if licence.status != FoodLicenceStatus.ACTIVE:
        raise ValidationError({"food_licence_number": f"该许可证{licence.get_status_display()}。"})
    if licence.district_id != acting_user.district_id:
        raise ValidationError({"food_licence_number": f"该许可证属于{licence.district}。"})
    if DemoStore.objects.filter(year=year, food_licence_number=number).exists():
        raise ValidationError({"food_licence_number": "该店已登记为示范店。"})
    store = DemoStore.objects.create(
        year=year,
        unit_name=licence.operator_name,
        address=licence.premises_address,
        food_licence_number=number,
        holder_uscc=licence.holder_uscc,
        district_id=licence.district_id,
        location_type=location_type,
        expected_completion=expected_completion.replace(day=1),
        created_by=acting_user,
    )
    StageChange.objects.create(
        store=store, stage=store.stage, on=timezone.localdate(), changed_by=acting_user
    )
    record_event(
        actor=acting_user, action="demo_store.registered", obj=store, changes={"licence": number}
    )
    return store


@transaction.atomic
def advance_store_stage(*, acting_user, store, on=None) -> DemoStore:
    """Record the next construction stage of a store of the officer's district, dated."""
    store = DemoStore.objects.visible_to(acting_user).select_for_update().get(pk=store.pk)
    if acting_user.role != Role.DISTRICT_OFFICER:
        raise PermissionDenied("只有区局人员可以更新建设进度。")
    if store.next_stage() is None:
        raise ValidationError("该店已完成建设。")
    before = store.stage
    store.advance()
    store.save()
    StageChange.objects.create(
        store=store, stage=store.stage, on=on or timezone.localdate(), changed_by=acting_user
    )
    record_event(
        actor=acting_user,
        action="demo_store.stage_advanced",
        obj=store,
        changes={"stage": [before, store.stage]},
    )
    return store
