"""Writes of the bright-kitchen quotas: a new year's quotas and adjustments with their reasons."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from mingchu.audit import MingchuAction
from mingchu.models import (
    DistrictQuota,
    ProjectDeadline,
    QuotaChange,
)
from mingchu.models.quotas import QUOTA_FIELDS, YEARS
from portal.audit import record_event
from portal.models import District
from portal.permissions import allows


@transaction.atomic
def set_year_quotas(
    *, acting_user, year: int, quotas: dict[str, tuple[int, int]], reason: str
) -> list[DistrictQuota]:
    """A city officer sets a new year's quotas, every district at once: ``quotas`` maps each
    district code to (美食广场, 其他区域).

    The year must have no quotas yet (an existing year's figures change one by one through
    ``adjust_quota``, which keeps the history). The latest year with quotas is the project
    year, so from now on new demo stores are selected for it and the pages open on it.
    Writes ``quota.set`` for each district, with the reason.
    """
    if not allows(acting_user, "mingchu.set_quotas"):
        raise PermissionDenied("只有市局人员可以设定年度布点。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "设定年度布点须填写依据或说明。"})
    if year not in YEARS:
        raise ValidationError({"year": f"年度应在 {YEARS.start} 至 {YEARS.stop - 1} 之间。"})
    if DistrictQuota.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year}年的布点已设定；如需变更，请逐区调整。"})
    districts = list(District.objects.all())
    missing = [d.name for d in districts if d.code not in quotas]
    if missing:
        raise ValidationError(f"缺少以下区的布点：{'、'.join(missing)}。")
    unknown = sorted(set(quotas) - {d.code for d in districts})
    if unknown:
        raise ValidationError(f"未知的区代码：{'、'.join(unknown)}。")
    if any(n is None or n < 0 for pair in quotas.values() for n in pair):
        raise ValidationError("布点数量须为不小于 0 的整数。")
    if sum(sum(pair) for pair in quotas.values()) == 0:
        raise ValidationError("全市布点合计不能为 0。")
    created = []
    for position, district in enumerate(districts, start=1):
        food_court, other_areas = quotas[district.code]
        quota = DistrictQuota.objects.create(
            year=year,
            district=district,
            food_court=food_court,
            other_areas=other_areas,
            sort_order=position,
        )
        created.append(quota)
        record_event(
            actor=acting_user,
            action=MingchuAction.QUOTA_SET,
            obj=quota,
            changes={
                "food_court": quota.food_court,
                "other_areas": quota.other_areas,
                "reason": reason,
            },
        )
    return created


@transaction.atomic
def adjust_quota(*, acting_user, quota, reason: str, **values) -> DistrictQuota:
    """A city officer changes a district's quota; every changed figure is kept with the reason."""
    if not allows(acting_user, "mingchu.set_quotas"):
        raise PermissionDenied("只有市局人员可以调整布点数量。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "调整布点须填写原因。"})
    unknown = set(values) - set(QUOTA_FIELDS)
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
        actor=acting_user,
        action=MingchuAction.QUOTA_ADJUSTED,
        obj=quota,
        changes={**changes, "reason": reason},
    )
    return quota


@transaction.atomic
def set_project_deadline(*, acting_user, year: int, due_on) -> ProjectDeadline:
    """A city officer sets the day by which the year's demo stores should have their video
    installed and live on the platforms (default 9月30日). The day must fall in the year.
    Every store list, dashboard and monthly report flags stores overdue against it from
    then on. Writes ``deadline.set`` with the old and new day (nothing when unchanged).
    """
    if not acting_user.has_perm("mingchu.set_deadline"):
        raise PermissionDenied("只有市局人员可以设定对接上线期限。")
    if year not in YEARS:
        raise ValidationError({"year": f"年度应在 {YEARS.start} 至 {YEARS.stop - 1} 之间。"})
    if due_on is None or due_on.year != year:
        raise ValidationError({"due_on": f"期限须在{year}年内。"})
    before = ProjectDeadline.objects.for_year(year)
    deadline = ProjectDeadline.objects.select_for_update().filter(year=year).first()
    if deadline is None:
        deadline = ProjectDeadline(year=year)
    elif deadline.due_on == due_on:
        return deadline
    deadline.due_on, deadline.set_by = due_on, acting_user
    deadline.save()
    record_event(
        actor=acting_user,
        action=MingchuAction.DEADLINE_SET,
        obj=deadline,
        changes={"due_on": [before.isoformat(), due_on.isoformat()]},
    )
    return deadline
