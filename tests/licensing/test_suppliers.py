"""Supplier lists: checked on adding, re-checked daily, alerts to the owner."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from licensing import services
from licensing.models import Supplier
from portal.models import Notification
from tests.factories import enterprise_user, issue_food, register

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def canteen_user(xuhui_clerk):
    canteen = register(xuhui_clerk, name="上海某学校后勤服务有限公司")
    return enterprise_user(canteen, full_name="食堂负责人")


@pytest.fixture
def supplier(xuhui_clerk, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)
    entity = register(xuhui_clerk, name="上海新鲜蔬菜配送有限公司")
    licence = issue_food(xuhui_clerk, entity, subject_type=1, business_items=["bulk"])
    return entity, licence


def test_adding_a_supplier_checks_it_at_once(canteen_user, supplier):
    entity, licence = supplier

    by_number = services.add_supplier(acting_user=canteen_user, identifier=licence.number.lower())
    by_uscc = services.add_supplier(acting_user=canteen_user, identifier=entity.uscc)

    assert (by_number.state, by_number.name) == ("valid", "上海新鲜蔬菜配送有限公司")
    assert by_uscc.state == "valid" and by_uscc.valid_to == licence.valid_to


@pytest.mark.parametrize(
    ("identifier", "message"),
    [("JY2310104000001", "16位"), ("91310104MA1FL8KQ5I", "不使用I、O、S、V、Z"), ("", "请输入")],
)
def test_bad_identifiers_are_chinese_field_errors(canteen_user, identifier, message):
    with pytest.raises(ValidationError) as caught:
        services.add_supplier(acting_user=canteen_user, identifier=identifier)
    assert message in caught.value.message_dict["identifier"][0]
    assert not Supplier.objects.exists()


def test_a_supplier_is_listed_once(canteen_user, supplier):
    services.add_supplier(acting_user=canteen_user, identifier=supplier[0].uscc)
    with pytest.raises(ValidationError, match="已在清单中"):
        services.add_supplier(acting_user=canteen_user, identifier=supplier[0].uscc)


def test_daily_recheck_alerts_the_owner_once_when_a_licence_is_cancelled(
    canteen_user, supplier, xuhui_clerk
):
    entity, licence = supplier
    services.add_supplier(acting_user=canteen_user, identifier=licence.number)
    services.cancel_food_licence(acting_user=xuhui_clerk, licence=licence, reason="停止经营")

    assert services.recheck_supplier_lists(today=TODAY) == 1
    assert services.recheck_supplier_lists(today=TODAY) == 0  # same state: no second alert

    notice = Notification.objects.get()
    assert notice.recipient_uscc == canteen_user.entity_uscc
    assert "上海新鲜蔬菜配送有限公司" in notice.message and "许可证已注销" in notice.message


def test_recheck_warns_thirty_days_before_expiry(canteen_user, supplier):
    entity, licence = supplier
    services.add_supplier(acting_user=canteen_user, identifier=entity.uscc)

    services.recheck_supplier_lists(today=licence.valid_to - datetime.timedelta(days=29))

    assert Supplier.objects.get().state == "expiring"
    assert "30日内到期" in Notification.objects.get().message


def test_recheck_sees_a_revoked_business_licence(canteen_user, supplier, xuhui_clerk):
    entity, licence = supplier
    services.add_supplier(acting_user=canteen_user, identifier=licence.number)
    services.revoke_entity(acting_user=xuhui_clerk, entity=entity, reason="吊销")

    services.recheck_supplier_lists(today=TODAY)

    assert Supplier.objects.get().state == "entity_ended"


def test_the_alert_shows_on_the_home_page_until_read(client, canteen_user, supplier, xuhui_clerk):
    entity, licence = supplier
    services.add_supplier(acting_user=canteen_user, identifier=licence.number)
    services.cancel_food_licence(acting_user=xuhui_clerk, licence=licence, reason="停业")
    services.recheck_supplier_lists(today=TODAY)
    client.force_login(canteen_user)

    assert "许可证已注销" in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("portal:notifications_read"))
    assert "data-notifications" not in client.get(reverse("portal:home")).content.decode()


def test_supplier_page_adds_and_removes(client, canteen_user, supplier):
    client.force_login(canteen_user)
    client.post(reverse("licensing:supplier_list"), {"identifier": supplier[0].uscc})
    added = Supplier.objects.get()
    assert (
        'data-supplier-state="valid"'
        in client.get(reverse("licensing:supplier_list")).content.decode()
    )

    client.post(reverse("licensing:supplier_remove", args=[added.pk]))
    assert not Supplier.objects.exists()


def test_another_owners_supplier_cannot_be_removed(client, canteen_user, supplier, xuhui_clerk):
    added = services.add_supplier(acting_user=canteen_user, identifier=supplier[0].uscc)
    other = enterprise_user(register(xuhui_clerk))
    client.force_login(other)

    response = client.post(reverse("licensing:supplier_remove", args=[added.pk]))

    assert response.status_code == 404 and Supplier.objects.exists()
