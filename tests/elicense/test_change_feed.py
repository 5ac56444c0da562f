"""The change feed: one event per licence change, in its transaction; paging; who sees what."""

import datetime

import pytest
from django.db import transaction

from elicense import services
from elicense.models import Certificate, ChangeEvent
from elicense.services.changes import assign_sequences, record_change, subscribe
from elicense.services.relying_parties import create_relying_party
from licensing import services as register_services
from licensing.services.food import carry_food_permit, end_carried_food_permit
from portal import ratelimit
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


def _events():
    assign_sequences()
    return [
        (e.event_type, e.kind, e.number, e.state) for e in ChangeEvent.objects.order_by("sequence")
    ]


def _sign_all():
    for certificate in Certificate.objects.filter(status="pending_signature"):
        services.sign_certificate(certificate_id=certificate.pk)


def _party(name, **fields):
    party, key = create_relying_party(name=name, peak_qps=1000)
    ratelimit.reset(party.pk)
    for field, value in fields.items():
        setattr(party, field, value)
    party.save()
    return party, key


def _feed(client, key, after=0, limit=100):
    return client.get(
        f"/api/v1/changes?after={after}&limit={limit}", headers={"Authorization": f"Bearer {key}"}
    )


def test_each_change_of_a_licence_is_one_event_with_its_new_state(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海变更推送餐饮有限公司")
    food = issue_food(xuhui_clerk, entity)
    _sign_all()
    assert _events() == [
        ("issued", "business_licence", entity.uscc, "pending"),
        ("issued", "food_licence", food.number, "pending"),
        ("signed", "business_licence", entity.uscc, "valid"),
        ("signed", "food_licence", food.number, "valid"),
    ]
    ChangeEvent.objects.all().delete()

    register_services.cancel_food_licence(acting_user=xuhui_clerk, licence=food, reason="停业")
    register_services.revoke_entity(acting_user=xuhui_clerk, entity=entity, reason="违法经营")

    assert _events() == [
        ("cancelled", "food_licence", food.number, "cancelled"),
        ("revoked", "business_licence", entity.uscc, "revoked"),
    ]


def test_a_change_of_registration_supersedes_and_issues_once_each(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk)
    _sign_all()
    ChangeEvent.objects.all().delete()

    register_services.change_registration(
        acting_user=xuhui_clerk, entity=entity, name="上海新名称餐饮有限公司"
    )

    assert _events() == [
        ("superseded", "business_licence", entity.uscc, "superseded"),
        ("issued", "business_licence", entity.uscc, "pending"),
    ]


def test_expiry_is_one_event_from_the_daily_task_however_often_it_runs(
    xuhui_clerk, signing_key, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC))
    entity = register(xuhui_clerk)
    food = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2021, 11, 22))
    _sign_all()
    ChangeEvent.objects.all().delete()

    register_services.expire_food_licences()
    register_services.expire_food_licences()

    assert _events() == [("expired", "food_licence", food.number, "expired")]


def test_a_food_permit_carried_by_a_composite_licence_has_its_own_events(xuhui_clerk):
    entity = register(xuhui_clerk)
    ChangeEvent.objects.all().delete()
    number = "沪综许310104202600001"
    carried = {
        "acting_user": xuhui_clerk, "entity": entity, "number": number, "subject_type": 2,
        "business_items": ["hot_food"], "premises_address": entity.address,
        "valid_from": datetime.date(2026, 1, 1), "valid_to": datetime.date(2030, 12, 31),
        "issuing_authority": "徐汇区市场监督管理局",
    }  # fmt: skip

    with transaction.atomic():
        carry_food_permit(reason="一业一证", **carried)
    with transaction.atomic():
        carry_food_permit(reason="变更", **carried)
    with transaction.atomic():
        end_carried_food_permit(acting_user=xuhui_clerk, number=number, reason="注销")

    assert [(e[0], e[1], e[2]) for e in _events()] == [
        ("issued", "food_licence", number),
        ("superseded", "food_licence", number),
        ("issued", "food_licence", number),
        ("cancelled", "food_licence", number),
    ]


def test_a_rolled_back_change_leaves_no_event(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk)
    ChangeEvent.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        register_services.revoke_entity(acting_user=xuhui_clerk, entity=entity, reason="违法经营")
        assert ChangeEvent.objects.count() == 1  # written in the change's transaction
        raise RuntimeError("the change fails after the event was written")

    assert not ChangeEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        record_change(event_type="revoked", uscc="X", kind="k", number="n", state="revoked")


def _many_events(count, usccs):
    with transaction.atomic():
        for n in range(count):
            uscc = usccs[n % len(usccs)]
            record_change(event_type="signed", uscc=uscc, kind="business_licence", number=uscc,
                          state="valid")  # fmt: skip


def test_the_feed_pages_through_ten_thousand_events_without_gap_or_repeat(client):
    party, key = _party("城市大脑", city_wide_changes=True)
    _many_events(10_000, ["91310104MA1FL1234X", "91310101MA1FL5678X"])

    seen, cursor = [], 0
    while True:
        body = _feed(client, key, after=cursor, limit=500).json()
        if not body["events"]:
            break
        seen += [event["sequence"] for event in body["events"]]
        cursor = body["next_cursor"]

    assert seen == list(range(1, 10_001))
    assert cursor == 10_000


def test_a_party_sees_only_its_subscriptions_unless_city_wide(client, xuhui_clerk):
    mine = register(xuhui_clerk, name="上海美团商户餐饮有限公司")
    theirs = register(xuhui_clerk, name="上海饿了么商户餐饮有限公司")
    meituan, meituan_key = _party("美团外卖")
    eleme, eleme_key = _party("饿了么")
    city, city_key = _party("市场监管大数据中心", city_wide_changes=True)
    subscribe(acting_user=None, party=meituan, identifier=mine.uscc.lower())
    subscribe(acting_user=None, party=eleme, identifier=theirs.uscc)

    def numbers(key):
        return {event["uscc"] for event in _feed(client, key).json()["events"]}

    assert numbers(meituan_key) == {mine.uscc}
    assert numbers(eleme_key) == {theirs.uscc}
    assert numbers(city_key) == {mine.uscc, theirs.uscc}


@pytest.mark.parametrize(
    ("query", "code"),
    [("after=-1", "invalid_parameter"), ("limit=501", "invalid_parameter"),
     ("limit=0", "invalid_parameter"), ("after=abc", "invalid_request")],
)  # fmt: skip
def test_bad_cursor_or_limit_is_a_chinese_422(client, query, code):
    _, key = _party("美团外卖")

    response = client.get(f"/api/v1/changes?{query}", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 422
    assert response.json()["code"] == code


def test_the_feed_needs_a_key(client):
    assert client.get("/api/v1/changes").status_code == 401


def test_the_nightly_expiry_gives_each_ended_certificate_one_event_whichever_job_runs_first(
    xuhui_clerk, signing_key, time_machine
):
    from elicense.services.expiry import expire_ended_certificates

    time_machine.move_to(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC))
    entity = register(xuhui_clerk, operating_period_to=datetime.date(2026, 11, 21))
    food = issue_food(xuhui_clerk, entity, valid_from=datetime.date(2021, 11, 22))  # to 11-21
    _sign_all()
    ChangeEvent.objects.all().delete()

    assert expire_ended_certificates() == 2
    assert expire_ended_certificates() == 0
    register_services.expire_food_licences()  # the register's own job, ten minutes later

    assert sorted(_events()) == [
        ("expired", "business_licence", entity.uscc, "expired"),
        ("expired", "food_licence", food.number, "expired"),
    ]
    food.refresh_from_db()
    assert food.status == "expired"
