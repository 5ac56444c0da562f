"""Registering, changing, cancelling and revoking entities through the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from licensing import services
from licensing.models import BusinessLicence, EntityType, MarketEntity, UsccAllowlistEntry
from portal.identifiers import make_uscc
from portal.models import AuditEvent
from tests.factories import RegistrationFactory, issue_food, register

pytestmark = pytest.mark.django_db


def test_registering_issues_version_one_with_frozen_face_and_audit(xuhui_clerk):
    entity = register(xuhui_clerk, name="上海鼎丰餐饮管理有限公司", registered_capital=500)

    licence = entity.business_licences.get()
    assert licence.version == 1 and licence.status == "active"
    assert licence.face["name"] == "上海鼎丰餐饮管理有限公司"
    assert licence.face["person_label"] == "法定代表人"
    assert licence.face["registered_capital"] == "500万元人民币"
    assert licence.face["registration_authority"] == "上海市徐汇区市场监督管理局"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"entity.registered", "business_licence.issued"} <= actions
    assert AuditEvent.objects.get(action="entity.registered").actor == xuhui_clerk


def test_face_labels_follow_the_entity_type(xuhui_clerk):
    uscc = make_uscc(authority="9", category="2", division="310104", org_body="L0000001")
    entity = register(
        xuhui_clerk, uscc=uscc, entity_type=EntityType.INDIVIDUAL_BUSINESS, registered_capital=5
    )

    face = entity.business_licences.get().face
    assert face["person_label"] == "经营者"
    assert face["address_label"] == "经营场所"
    assert face["capital_label"] is None and face["registered_capital"] is None


def test_duplicate_uscc_is_a_field_error_and_writes_nothing(xuhui_clerk):
    first = register(xuhui_clerk)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        register(xuhui_clerk, uscc=first.uscc, name="另一家公司")

    assert "已登记" in caught.value.message_dict["uscc"][0]
    assert MarketEntity.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_uscc_category_must_fit_the_entity_type(xuhui_clerk):
    company_code = make_uscc(authority="9", category="1", division="310104", org_body="L0000002")

    with pytest.raises(ValidationError) as caught:
        register(xuhui_clerk, uscc=company_code, entity_type=EntityType.INDIVIDUAL_BUSINESS)

    assert caught.value.message_dict["uscc"] == [
        "个体工商户的统一社会信用代码第2位应为“2”，当前为“1”。"
    ]
    assert not MarketEntity.objects.exists()


def test_allowlisted_pilot_code_registers_despite_failing_checks(xuhui_clerk):
    valid = make_uscc(authority="9", category="1", division="310104", org_body="L0000003")
    pilot = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        register(xuhui_clerk, uscc=pilot)
    UsccAllowlistEntry.objects.create(uscc=pilot, note="2015年试点赋码")

    assert register(xuhui_clerk, uscc=pilot).uscc == pilot


def test_clerk_cannot_register_into_another_district(xuhui_clerk, huangpu_clerk):
    with pytest.raises(PermissionDenied):
        services.register_entity(
            acting_user=xuhui_clerk, district=huangpu_clerk.district, **RegistrationFactory()
        )
    assert not MarketEntity.objects.exists()


def test_change_supersedes_the_licence_and_carries_name_to_food_licences(xuhui_clerk):
    entity = register(xuhui_clerk, name="上海旧名餐饮有限公司")
    food = issue_food(xuhui_clerk, entity)

    services.change_registration(
        acting_user=xuhui_clerk,
        entity=entity,
        name="上海新名餐饮有限公司",
        address="上海市徐汇区天钥桥路1号",
    )

    old, new = entity.business_licences.order_by("version")
    assert (old.status, new.status) == ("superseded", "active")
    assert new.version == 2 and new.face["name"] == "上海新名餐饮有限公司"
    assert old.face["name"] == "上海旧名餐饮有限公司"
    current_food = entity.food_licences.get(is_current=True)
    assert current_food.number == food.number and current_food.version == 2
    assert current_food.operator_name == "上海新名餐饮有限公司"
    change = AuditEvent.objects.get(action="entity.changed")
    assert change.changes["name"] == ["上海旧名餐饮有限公司", "上海新名餐饮有限公司"]


def test_change_without_differences_is_refused(xuhui_clerk):
    entity = register(xuhui_clerk)

    with pytest.raises(ValidationError, match="没有需要变更"):
        services.change_registration(acting_user=xuhui_clerk, entity=entity, name=entity.name)
    assert BusinessLicence.objects.count() == 1


@pytest.mark.parametrize(
    ("service", "entity_status", "licence_status"),
    [
        (services.cancel_entity, "cancelled", "cancelled"),
        (services.revoke_entity, "revoked", "revoked"),
    ],
)
def test_ending_an_entity_ends_all_its_licences(
    xuhui_clerk, service, entity_status, licence_status
):
    entity = register(xuhui_clerk)
    food = issue_food(xuhui_clerk, entity)

    service(acting_user=xuhui_clerk, entity=entity, reason="申请人申请注销")

    entity.refresh_from_db()
    food.refresh_from_db()
    assert entity.status == entity_status
    assert entity.business_licences.get().status == licence_status
    assert food.status == "cancelled" and food.end_reason.startswith("主体已")


def test_ended_entity_cannot_be_changed_or_given_a_food_licence(xuhui_clerk):
    entity = register(xuhui_clerk)
    services.cancel_entity(acting_user=xuhui_clerk, entity=entity, reason="歇业")

    with pytest.raises(ValidationError, match="已注销"):
        services.change_registration(acting_user=xuhui_clerk, entity=entity, name="新名称公司")
    with pytest.raises(ValidationError, match="已注销"):
        issue_food(xuhui_clerk, entity)
