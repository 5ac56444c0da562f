"""Writes of the demo stores: selection, construction stages, cameras, platforms, video."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.models.changes import ChangeType
from elicense.models.licence_state import LicenceState
from elicense.services.changes import record_change
from licensing.models import FoodLicence, FoodSubjectType
from mingchu.audit import MingchuAction
from mingchu.models import (
    Camera,
    ControlPoint,
    DeliveryPlatform,
    DemoStore,
    DistrictQuota,
    LocationType,
    PlatformConnection,
    ProjectDeadline,
    Stage,
    StageChange,
)
from mingchu.models.stores import expected_after_deadline
from portal.audit import diff, record_event
from portal.identifiers import validate_food_permit_number
from portal.permissions import allows

#: The change feed's kind for the 明厨亮灶 mark on a holder's shop-page badge.
MARK_KIND = "mingchu_mark"


def _delivery(on_delivery_platform, delivery_platforms) -> tuple[bool | None, list[str]]:
    """Whether the operator sells on a delivery platform, and which (None: not recorded)."""
    platforms = list(dict.fromkeys(delivery_platforms or []))
    unknown = [value for value in platforms if value not in DeliveryPlatform.values]
    if unknown:
        raise ValidationError({"delivery_platforms": f"未知的平台：{'、'.join(unknown)}。"})
    if on_delivery_platform and not platforms:
        raise ValidationError({"delivery_platforms": "入网经营者请选择所入驻的网络餐饮平台。"})
    if on_delivery_platform is False and platforms:
        raise ValidationError({"delivery_platforms": "未入网的经营者不应选择平台。"})
    if on_delivery_platform is None and platforms:
        on_delivery_platform = True
    return on_delivery_platform, platforms


def _stage_date(on, *, after):
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": "进度日期不能晚于今天。"})
    if after is not None and on < after:
        raise ValidationError({"on": f"进度日期不能早于上一阶段的日期（{after:%Y-%m-%d}）。"})
    return on


def next_stage_date(store, on=None):
    """The date the store's next stage would carry (default today), or the ValidationError
    ``advance_store_stage`` would raise: read before its confirmation page is shown."""
    last = store.stage_history.order_by("-on").values_list("on", flat=True).first()
    return _stage_date(on, after=last)


@transaction.atomic
def register_demo_store(
    *,
    acting_user,
    food_licence_number,
    location_type,
    expected_completion,
    year=None,
    selected_on=None,
    on_delivery_platform=None,
    delivery_platforms=(),
) -> DemoStore:
    """A district officer selects a demo restaurant by its food licence (示范店选点).

    The licence must exist, be a 餐饮服务 or canteen licence, be active, and belong to the
    officer's district; name, address and district come from it. ``selected_on`` (default
    today; never in the future) dates the 前期准备 stage, so a selection recorded late still
    counts in the month it was made. ``year`` defaults to the project year (the latest year
    with quotas). ``on_delivery_platform`` and ``delivery_platforms`` record whether the
    operator sells on a delivery platform and which (the plan's focus: "以从事网络餐饮服务的
    入网餐饮服务经营者为重点"); None when not recorded (an imported table). A store expected
    after the year's deadline is accepted; the audit event says so and the page warns.
    """
    selected_on = _stage_date(selected_on, after=None)
    year = year or DistrictQuota.objects.project_year()
    on_delivery_platform, delivery_platforms = _delivery(on_delivery_platform, delivery_platforms)
    if not allows(acting_user, "mingchu.register_stores"):
        raise PermissionDenied("只有区局人员可以登记示范店。")
    try:
        number = validate_food_permit_number(food_licence_number)
    except ValidationError as error:
        raise ValidationError({"food_licence_number": error.messages}) from error
    licence = FoodLicence.objects.filter(number=number, is_current=True).first()
    if licence is None:
        raise ValidationError({"food_licence_number": "登记中没有该食品经营许可证。"})
    if licence.subject_type not in (FoodSubjectType.CATERING, FoodSubjectType.CANTEEN):
        raise ValidationError({"food_licence_number": "示范店须持餐饮服务或单位食堂许可证。"})
    if not licence.state.in_force:
        raise ValidationError({"food_licence_number": f"该许可证{licence.state.label}。"})
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
        on_delivery_platform=on_delivery_platform,
        delivery_platforms=delivery_platforms,
        created_by=acting_user,
    )
    StageChange.objects.create(
        store=store, stage=store.stage, on=selected_on, changed_by=acting_user
    )
    deadline = ProjectDeadline.objects.for_year(year)
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_REGISTERED,
        obj=store,
        changes={
            "licence": number,
            "delivery_platforms": delivery_platforms if on_delivery_platform else [],
            "after_deadline": expected_after_deadline(store.expected_completion, deadline),
        },
    )
    return store


@transaction.atomic
def advance_store_stage(*, acting_user, store, on=None) -> DemoStore:
    """Record the next construction stage of a store of the officer's district, dated ``on``
    (default today): never in the future nor before the stage it follows, so the trend
    charts, which read these dates, stay in order."""
    store = DemoStore.objects.visible_to(acting_user).select_for_update().get(pk=store.pk)
    if not allows(acting_user, "mingchu.maintain_stores"):
        raise PermissionDenied("只有区局人员可以更新建设进度。")
    last = store.stage_history.order_by("-on").values_list("on", flat=True).first()
    on = _stage_date(on, after=last)
    if store.next_stage() is None:
        raise ValidationError("该店已完成建设。")
    missing = store.missing_for_next_stage()
    if missing:
        raise ValidationError(missing)
    before = store.stage
    store.advance()
    store.save()
    StageChange.objects.create(store=store, stage=store.stage, on=on, changed_by=acting_user)
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_STAGE_ADVANCED,
        obj=store,
        changes={"stage": [before, store.stage]},
    )
    if store.stage == Stage.COMPLETED:  # the holder's badge now shows the 明厨亮灶 mark
        record_change(
            event_type=ChangeType.MARK_GAINED,
            uscc=store.holder_uscc,
            kind=MARK_KIND,
            number=store.food_licence_number,
            state=LicenceState.VALID,
        )
    return store


def _store_for_officer(acting_user, store) -> DemoStore:
    if not allows(acting_user, "mingchu.maintain_stores"):
        raise PermissionDenied("只有区局人员可以维护示范店。")
    return DemoStore.objects.visible_to(acting_user).select_for_update().get(pk=store.pk)


@transaction.atomic
def add_camera(*, acting_user, store, position: str, control_points, installed_on) -> Camera:
    """Register an installed kitchen camera and the key control points it covers."""
    store = _store_for_officer(acting_user, store)
    position = (position or "").strip()
    if not position:
        raise ValidationError({"position": "请填写摄像头安装位置。"})
    points = list(dict.fromkeys(control_points or []))
    if not points:
        raise ValidationError({"control_points": "请选择摄像头覆盖的关键控制点。"})
    unknown = [point for point in points if point not in ControlPoint.values]
    if unknown:
        raise ValidationError({"control_points": f"未知的关键控制点：{'、'.join(unknown)}。"})
    camera = Camera.objects.create(
        store=store, position=position, control_points=points, installed_on=installed_on
    )
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_CAMERA_ADDED,
        obj=store,
        changes={"position": position, "control_points": points},
    )
    return camera


@transaction.atomic
def connect_platform(
    *, acting_user, store, platform: str, shop_id: str, connected_on
) -> PlatformConnection:
    """Record that the store's kitchen video is live on a delivery platform's shop page."""
    store = _store_for_officer(acting_user, store)
    platform, shop_id = (platform or "").strip(), (shop_id or "").strip()
    if not platform or not shop_id:
        raise ValidationError("请填写第三方平台名称和平台店铺编号。")
    if store.platform_connections.filter(platform=platform).exists():
        raise ValidationError({"platform": f"该店已登记对接{platform}。"})
    connection = PlatformConnection.objects.create(
        store=store, platform=platform, shop_id=shop_id, connected_on=connected_on
    )
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_PLATFORM_CONNECTED,
        obj=store,
        changes={"platform": platform, "shop_id": shop_id, "on": connected_on},
    )
    return connection


@transaction.atomic
def set_video_stream(*, acting_user, store, url: str) -> DemoStore:
    """Set (or clear) the kitchen video stream address shown on the public store page."""
    store = _store_for_officer(acting_user, store)
    before = store.video_stream_url
    store.video_stream_url = (url or "").strip()
    store.full_clean(validate_unique=False, validate_constraints=False)
    store.save(update_fields=["video_stream_url"])
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_VIDEO_STREAM_SET,
        obj=store,
        changes={"video_stream_url": [before, store.video_stream_url]},
    )
    return store


@transaction.atomic
def update_demo_store(
    *, acting_user, store, location_type, expected_completion, delivery=None
) -> DemoStore:
    """Change a store's 区域类型, 预计完成时间 or, given ``delivery`` as
    ``(on_delivery_platform, delivery_platforms)``, its 网络餐饮服务 (as a re-imported 附件4
    table does; ``None`` keeps what is recorded).

    Writes an audit event only when something changed.
    """
    store = _store_for_officer(acting_user, store)
    if location_type not in LocationType.values:
        raise ValidationError({"location_type": "区域类型应为美食广场或其他区域。"})
    after = {
        "location_type": location_type,
        "expected_completion": expected_completion.replace(day=1),
    }
    if delivery is not None:
        after["on_delivery_platform"], after["delivery_platforms"] = _delivery(*delivery)
    changes = diff({field: getattr(store, field) for field in after}, after)
    if not changes:
        return store
    for field, (_, new) in changes.items():
        setattr(store, field, new)
    store.save(update_fields=list(changes))
    record_event(
        actor=acting_user, action=MingchuAction.DEMO_STORE_UPDATED, obj=store, changes=changes
    )
    return store
