"""Test data: users through factory-boy, the register through its own services."""

import datetime

import factory

from licensing import services
from licensing.models import EntityType, FoodBusinessItem, FoodSubjectType
from portal.identifiers import make_uscc
from portal.models import District, Role, User

PASSWORD = "Pw-for-tests-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.CITY_OFFICER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy hook
        if create:
            obj.save()


def clerk(district_code="310104", **kwargs) -> User:
    return UserFactory(
        role=Role.WINDOW_CLERK, district=District.objects.get(code=district_code), **kwargs
    )


def enterprise_user(entity, capacity="legal_representative", **kwargs) -> User:
    return UserFactory(
        role=Role.ENTERPRISE, entity_uscc=entity.uscc, enterprise_capacity=capacity, **kwargs
    )


def _org_body(n: int) -> str:
    return f"{n:08d}"


class RegistrationFactory(factory.DictFactory):
    """Keyword arguments for ``licensing.services.register_entity``."""

    uscc = factory.Sequence(
        lambda n: make_uscc(authority="9", category="1", division="310104", org_body=_org_body(n))
    )
    name = factory.Sequence(lambda n: f"上海测试{n}号餐饮管理有限公司")
    entity_type = EntityType.LLC_NATURAL
    legal_person_name = "王伟"
    registered_capital = 100
    established_on = datetime.date(2018, 5, 1)
    operating_period_to = None
    address = "上海市徐汇区漕溪北路88号"
    business_scope = "餐饮服务；食品销售。"


def register(acting_user, **overrides):
    """Register an entity in the clerk's district through the real service."""
    data = RegistrationFactory(**overrides)
    return services.register_entity(acting_user=acting_user, district=acting_user.district, **data)


def issue_food(acting_user, entity, **overrides):
    data = {
        "subject_type": FoodSubjectType.CATERING,
        "business_items": [FoodBusinessItem.HOT_FOOD],
        "premises_address": entity.address,
        **overrides,
    }
    return services.issue_food_licence(acting_user=acting_user, entity=entity, **data)


def advance_store(officer, store, times=1):
    """Advance a demo store, registering the camera and platform link each stage needs."""
    import datetime

    from mingchu import services as mingchu

    for _ in range(times):
        if store.next_stage() == "video_link" and not store.cameras.exists():
            mingchu.add_camera(
                acting_user=officer, store=store, position="热厨操作间",
                control_points=["cooking", "special_room"], installed_on=datetime.date(2022, 8, 1),
            )  # fmt: skip
        if store.next_stage() == "completed" and not store.platform_connections.exists():
            mingchu.connect_platform(
                acting_user=officer, store=store, platform="美团外卖",
                shop_id=f"MT{store.pk:06d}", connected_on=datetime.date(2022, 9, 1),
            )  # fmt: skip
        store = mingchu.advance_store_stage(acting_user=officer, store=store)
    return store


def staged_demo_stores(officer, clerk_user, count=3):
    """``count`` demo stores of the officer's district, the n-th advanced n stages.

    With three: registry 选点 3, 视频安装 2, 对接平台 1, 完成建设 1.
    """
    import datetime

    from mingchu.services import register_demo_store

    stores = []
    for index in range(count):
        licence = issue_food(clerk_user, register(clerk_user))
        store = register_demo_store(
            acting_user=officer, food_licence_number=licence.number, location_type="other",
            expected_completion=datetime.date(2022, 10, 1),
        )  # fmt: skip
        stores.append(advance_store(officer, store, times=index + 1))
    return stores


def verification_log_rows(month_start: datetime.datetime, *, holders: int, per_holder: int):
    """Background rows for the verification log: ``per_holder`` API checks of each of
    ``holders`` other (made-up) holders, one round a day from ``month_start``. Written in
    bulk, as a log's volume is; for plan-shape tests, not for business rules."""
    import time_machine

    from elicense.models import Verification

    made = []
    for day in range(per_holder):
        with time_machine.travel(month_start + datetime.timedelta(days=day), tick=False):
            made += Verification.objects.bulk_create(
                [
                    Verification(
                        channel="api",
                        result="valid",
                        holder_uscc=make_uscc(division="310115", org_body=f"8{h:07d}"),
                        verifier_label="测试平台",
                    )
                    for h in range(holders)
                ]
            )
    return made


def authorisation_from(holder, agent, *, granted_by, scope="电子政务/市场监管", days=30):
    """An authorisation from another entity than the agent's own: the grant service binds
    agents to their own entity today, but sign-in for connected systems already lets a user
    who acts for several choose one (ADR 0025)."""
    import datetime

    from django.utils import timezone

    from elicense.models import Authorisation, Matter

    now = timezone.now()
    return Authorisation.objects.create(
        holder_uscc=holder.uscc,
        agent=agent,
        scope=Matter.objects.get(path=scope),
        valid_from=now,
        valid_to=now + datetime.timedelta(days=days),
        granted_by=granted_by,
    )
