"""A USCC or food-licence number typed full-width, in lower case or with spaces is found.

Every place an identifier enters (upload, API, search, supplier list, signature pages)
normalises it with ``portal.identifiers.normalise_identifier`` before looking it up.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from elicense import services as elicense_services
from elicense.models import Certificate
from elicense.services.relying_parties import create_relying_party
from elicense.services.signatures import sign_document
from licensing import services
from licensing.services.bulk import HEADER
from portal import ratelimit
from tests.factories import enterprise_user, issue_food, register

pytestmark = pytest.mark.django_db


def full_width(text: str) -> str:
    """What a Chinese input method in full-width mode types: ``9`` becomes ``９``."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def sloppy(identifier: str) -> str:
    """Full-width, lower case, with spaces around it."""
    return f" {full_width(identifier.lower())}\u3000"


@pytest.fixture
def restaurant(xuhui_clerk, time_machine, signing_key):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)
    entity = register(xuhui_clerk, name="上海全角测试餐饮有限公司")
    licence = issue_food(xuhui_clerk, entity)
    for certificate in Certificate.objects.all():
        elicense_services.sign_certificate(certificate_id=certificate.pk)
    return entity, licence


@pytest.fixture
def api_key():
    party, key = create_relying_party(name="美团外卖", peak_qps=100)
    ratelimit.reset(party.pk)
    return {"Authorization": f"Bearer {key}"}


def test_the_sloppy_form_is_what_a_user_may_type(restaurant):
    entity, _ = restaurant
    assert sloppy(entity.uscc) != entity.uscc and sloppy(entity.uscc)[1] == chr(0xFF19)


def test_bulk_check_finds_a_full_width_uscc_and_number(restaurant):
    entity, licence = restaurant
    buffer = io.StringIO()
    row = [sloppy(entity.uscc), entity.name, sloppy(licence.number), licence.premises_address]
    csv.writer(buffer).writerows([list(HEADER), row])

    check = services.create_bulk_check(file_name="m.csv", data=buffer.getvalue().encode())
    check = services.run_bulk_check(bulk_check_id=check.pk)

    assert check.summary == {"证照相符": 1}


def test_api_lookup_takes_a_full_width_uscc(client, restaurant, api_key):
    entity, _ = restaurant

    response = client.get(f"/api/v1/licences/{full_width(entity.uscc.lower())}", headers=api_key)

    assert response.status_code == 200 and response.json()["uscc"] == entity.uscc


def test_api_badge_takes_a_full_width_uscc(client, restaurant, api_key):
    entity, _ = restaurant

    response = client.post(
        "/api/v1/badges", {"uscc": sloppy(entity.uscc), "shop_id": "shop-1"},
        content_type="application/json", headers=api_key,
    )  # fmt: skip

    assert response.status_code == 200


def test_signature_keys_and_verification_take_a_full_width_uscc(client, restaurant, api_key):
    entity, _ = restaurant
    document = sign_document(acting_user=enterprise_user(entity), title="声明", data={"面积": 120})

    api_keys = client.get(
        f"/api/v1/entities/{full_width(entity.uscc.lower())}/keys", headers=api_key
    )
    page_keys = client.get(reverse("elicense:entity_keys", args=[entity.uscc.lower()]))
    verified = client.post(
        "/api/v1/signatures/verify",
        {"uscc": sloppy(entity.uscc), "data": {"面积": 120}, "signature": document.signature},
        content_type="application/json", headers=api_key,
    ).json()  # fmt: skip

    assert api_keys.status_code == 200 and page_keys.status_code == 200
    assert verified["valid"] is True and verified["signed"]["document_id"] == document.public_id


def test_clerk_search_finds_full_width_identifiers(client, restaurant, xuhui_clerk):
    entity, licence = restaurant
    register(xuhui_clerk, name="上海别家餐饮有限公司")
    client.force_login(xuhui_clerk)

    for query in (sloppy(entity.uscc), sloppy(licence.number)):
        page = client.get(reverse("licensing:entity_list"), {"q": query}).context["page"]
        assert [e.pk for e in page] == [entity.pk], query


def test_supplier_added_by_a_full_width_licence_number_or_uscc(restaurant, xuhui_clerk):
    entity, licence = restaurant
    canteen = enterprise_user(register(xuhui_clerk, name="上海某学校后勤服务有限公司"))

    by_number = services.add_supplier(acting_user=canteen, identifier=sloppy(licence.number))
    services.remove_supplier(acting_user=canteen, supplier=by_number)
    by_uscc = services.add_supplier(acting_user=canteen, identifier=sloppy(entity.uscc))

    assert by_number.state == by_uscc.state == "valid"
    assert by_number.name == by_uscc.name == entity.name
