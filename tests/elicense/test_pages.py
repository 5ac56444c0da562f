"""The holder's public page, the JWKS, the enterprise's e-licence page and QR codes."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from elicense import qr, services
from elicense.models import Certificate, Verification
from elicense.services.documents import public_url
from licensing import services as register_services
from tests.factories import enterprise_user, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def restaurant(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海老弄堂餐饮管理有限公司")
    food = issue_food(xuhui_clerk, entity)
    for certificate in Certificate.objects.all():
        services.sign_certificate(certificate_id=certificate.pk)
    return entity, food


def _business_certificate(entity):
    return Certificate.objects.get(holder_uscc=entity.uscc, kind="business_licence")


def test_jwks_publishes_active_and_retired_keys(client, signing_key):
    successor = services.rotate_signing_key()

    keys = client.get("/.well-known/elicense-keys.json").json()["keys"]

    assert {key["kid"] for key in keys} == {signing_key.kid, successor.kid}
    assert all(key["kty"] == "OKP" and key["crv"] == "Ed25519" for key in keys)
    assert all("d" not in key for key in keys)


def test_holder_page_shows_business_and_food_licence_together(client, restaurant):
    entity, food = restaurant

    response = client.get(
        reverse("elicense:holder_page", args=[_business_certificate(entity).public_id])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "上海老弄堂餐饮管理有限公司" in page and food.number in page
    assert page.count('data-status="valid"') == 2
    assert Verification.objects.get().channel == "public_page"


def test_holder_page_shows_a_cancelled_food_licence_at_once(client, restaurant, xuhui_clerk):
    entity, food = restaurant
    register_services.cancel_food_licence(acting_user=xuhui_clerk, licence=food, reason="停止经营")

    page = client.get(
        reverse("elicense:holder_page", args=[_business_certificate(entity).public_id])
    ).content.decode()

    assert 'data-status="cancelled"' in page and "证照已注销" in page


def test_unknown_public_id_answers_404(client, signing_key):
    assert client.get(reverse("elicense:holder_page", args=["nope"])).status_code == 404


def test_display_qr_decodes_to_the_public_url(restaurant):
    certificate = _business_certificate(restaurant[0])
    url = public_url(certificate)

    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.png(url))))

    assert [result.text for result in decoded] == [url]
    assert url.endswith(f"/v/{certificate.public_id}/")


def test_printed_token_fits_a_scannable_qr_and_decodes(restaurant):
    certificate = _business_certificate(restaurant[0])

    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.png(certificate.signature))))

    assert [result.text for result in decoded] == [certificate.signature]
    assert qr.version_for(certificate.signature) <= 20


def test_enterprise_sees_its_certificates_and_who_checked_them(client, restaurant):
    entity, food = restaurant
    client.get(reverse("elicense:holder_page", args=[_business_certificate(entity).public_id]))
    client.force_login(enterprise_user(entity))

    page = client.get(reverse("elicense:my_certificates")).content.decode()

    assert food.number in page and "亮照二维码" in page
    assert "公众 · 公开页面 · 证照有效" in page


def test_other_roles_have_no_enterprise_page(client, restaurant, xuhui_clerk):
    client.force_login(xuhui_clerk)
    assert client.get(reverse("elicense:my_certificates")).status_code == 404


def test_frame_view_refreshes_itself_and_is_not_logged(client, restaurant):
    entity, food = restaurant
    url = reverse("elicense:holder_frame", args=[_business_certificate(entity).public_id])

    page = client.get(url).content.decode()

    assert 'data-refresh-seconds="60"' in page and "elicense/frame.js" in page
    assert food.number in page
    assert not Verification.objects.exists()


def test_key_command_creates_rotates_lists_and_retires(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from elicense.models import SigningKey

    call_command("elicense_keys", "create")
    with pytest.raises(CommandError, match="已有签发中的密钥"):
        call_command("elicense_keys", "create")
    call_command("elicense_keys", "create", "--if-missing")
    call_command("elicense_keys", "rotate")
    first, second = SigningKey.objects.order_by("created_at")
    assert (first.status, second.status) == ("retired", "active")
    call_command("elicense_keys", "retire", second.kid)
    with pytest.raises(CommandError, match="已停用"):
        call_command("elicense_keys", "retire", second.kid)
    assert not SigningKey.objects.filter(status="active").exists()


def test_a_rotation_never_takes_a_key_id_already_used(db, monkeypatch):
    """Two keys made the same day share 16 random bits of their id: the successor draws
    again until its id is free (here the first two draws repeat its predecessor's)."""
    from elicense import crypto

    draws = iter(["f797", "f797", "f797", "0a0b"])
    monkeypatch.setattr(crypto.secrets, "token_hex", lambda _n: next(draws))
    first = services.create_signing_key()

    second = services.rotate_signing_key()

    assert first.kid.endswith("-f797") and second.kid.endswith("-0a0b")


def test_a_printed_token_verifies_offline_with_the_published_jwks(client, restaurant):
    """What docs/elicense.md tells a relying party to do, with PyJWT alone."""
    import jwt

    token = _business_certificate(restaurant[0]).signature
    jwks = jwt.PyJWKSet.from_json(client.get("/.well-known/elicense-keys.json").content)

    key = jwks[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"])

    assert claims["u"] == restaurant[0].uscc and claims["k"] == "bl"


def test_holder_page_publishes_the_entitys_signing_key(client, restaurant):
    from elicense.models import EntityKey

    entity = restaurant[0]
    key = EntityKey.objects.get(holder_uscc=entity.uscc)

    page = client.get(
        reverse("elicense:holder_page", args=[_business_certificate(entity).public_id])
    ).content.decode()

    assert key.public_key in page and key.kid in page
