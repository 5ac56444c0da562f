"""A composite licence follows its holder and carries its food permit (issue 12): when the
entity ends, the licence, its certificate, its public page and the API end with it; an
approved 食品经营许可 is a food licence for every consumer of food licences."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from elicense import services as elicense
from elicense.models import Certificate
from elicense.services.relying_parties import create_relying_party
from elicense.verification import live_result
from licensing import services as register_services
from licensing.models import FoodLicence, Verdict
from licensing.queries.suppliers import check_suppliers
from licensing.services.bulk import _lookups, _verdict
from portal import ratelimit
from tests.badges import badge_problems
from tests.factories import issue_food
from tests.yiyeyizheng.conftest import licensed
from yiyeyizheng.models import LicenceStatus
from yiyeyizheng.services.licences import certificate_of

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


@pytest.fixture
def licence(owner, xuhui_clerk, store_format, samr_reviewer, tobacco_reviewer, signing_key):
    licence = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer]).licence
    for certificate in Certificate.objects.filter(status="pending_signature"):
        elicense.sign_certificate(certificate_id=certificate.pk)
    return licence


@pytest.fixture
def api_key():
    party, key = create_relying_party(name="饿了么", peak_qps=50)
    ratelimit.reset(party.pk)
    return key


def api_states(client, key, uscc):
    response = client.get(f"/api/v1/licences/{uscc}", headers={"Authorization": f"Bearer {key}"})
    return {c["number"]: c["status"] for c in response.json()["certificates"]}


@pytest.mark.parametrize(
    ("end", "licence_status", "result"),
    [
        (register_services.cancel_entity, LicenceStatus.CANCELLED, "cancelled"),
        (register_services.revoke_entity, LicenceStatus.REVOKED, "revoked"),
    ],
)
def test_ending_the_entity_ends_its_composite_licence_everywhere(
    client, xuhui_clerk, shop, licence, api_key, end, licence_status, result
):
    assert api_states(client, api_key, shop.uscc)[licence.number] == "valid"

    end(acting_user=xuhui_clerk, entity=shop, reason="经营期满")

    licence.refresh_from_db()
    certificate = certificate_of(licence)
    assert licence.status == licence_status and not licence.state.in_force
    assert certificate.status == result and live_result(certificate) == result
    assert api_states(client, api_key, shop.uscc)[licence.number] == result
    page = client.get(f"/v/{certificate.public_id}/").content.decode()
    assert 'data-status="valid"' not in page
    carried = FoodLicence.objects.get(number=licence.number, is_current=True)
    assert not carried.state.in_force


def test_an_approved_food_permit_is_a_food_licence_under_the_composite_number(
    client, owner, shop, licence
):
    client.force_login(owner)
    listing = client.get(reverse("yiyeyizheng:application_list")).content.decode()
    assert badge_problems(listing) == (1, [])  # the licence's badge says licence_state's word
    carried = FoodLicence.objects.get(number=licence.number, is_current=True)

    assert carried.in_composite and carried.holder_uscc == shop.uscc
    assert carried.state == "valid" and (carried.valid_from, carried.valid_to) == (
        licence.valid_from,
        licence.valid_to,
    )
    assert not Certificate.objects.filter(number=licence.number, kind="food_licence").exists()
    assert check_suppliers([licence.number], licence.valid_from)[licence.number].state == "valid"
    assert check_suppliers([shop.uscc], licence.valid_from)[shop.uscc].state == "valid"
    row = [shop.uscc, shop.name, licence.number, carried.premises_address]
    assert _verdict(row, *_lookups([row]))[0] == Verdict.MATCH


def test_the_window_refuses_a_standalone_food_licence_for_covered_premises(
    xuhui_clerk, shop, licence
):
    carried = FoodLicence.objects.get(number=licence.number, is_current=True)

    with pytest.raises(ValidationError) as refused:
        issue_food(xuhui_clerk, shop, premises_address=carried.premises_address)

    assert licence.number in str(refused.value)
    elsewhere = issue_food(xuhui_clerk, shop, premises_address="上海市徐汇区另一处1号")
    assert elsewhere.number.startswith("JY")
    with pytest.raises(ValidationError, match="一业一证"):
        register_services.cancel_food_licence(acting_user=xuhui_clerk, licence=carried, reason="x")
