"""An enterprise signs business data with its own SM2 key as well as Ed25519; anyone with
the published public key verifies it, in the portal or with a second SM2 implementation."""

import json

import jwt
import pytest
import rfc8785
from django.core.exceptions import ValidationError
from django.urls import reverse
from gmssl import func
from gmssl import sm2 as gm_sm2

from elicense import crypto, sm
from elicense.models import EntityKey
from elicense.services.relying_parties import create_relying_party
from elicense.services.signatures import rotate_entity_key, sign_document, verify_signature
from portal import ratelimit
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db

APPLICATION = {"申请事项": "一业一证", "经营业态": "便利店", "面积": 120}


@pytest.fixture
def boss(xuhui_clerk):
    return enterprise_user(register(xuhui_clerk, name="上海国密便利店有限公司"))


def _published_sm2_key(client, uscc, kid) -> gm_sm2.CryptSM2:
    keys = client.get(f"/elicense/entities/{uscc}/keys.json").json()["keys"]
    jwk = next(key for key in keys if key["kid"] == kid)
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("EC", "SM2", "SM2-SM3")
    point = (sm.b64url_decode(jwk["x"]) + sm.b64url_decode(jwk["y"])).hex()
    return gm_sm2.CryptSM2(private_key="", public_key=point, asn1=True)


def test_an_sm2_signature_verifies_in_the_portal_and_with_gmssl(client, boss):
    document = sign_document(acting_user=boss, title="申请书", data=APPLICATION, algorithm="sm2")

    protected, detached, signature = document.signature.split(".")
    assert detached == "" and json.loads(sm.b64url_decode(protected))["alg"] == "SM2-SM3"
    assert document.key.algorithm == "sm2"
    assert verify_signature(
        holder_uscc=boss.entity_uscc, data=APPLICATION, signature=document.signature
    )[0]

    verifier = _published_sm2_key(client, boss.entity_uscc, document.key.kid)
    signed = f"{protected}.{sm.b64url(rfc8785.dumps(APPLICATION))}".encode()
    assert verifier.verify_with_sm3(sm.b64url_decode(signature).hex(), signed)


def test_an_sm2_signature_over_changed_data_is_refused(boss):
    document = sign_document(acting_user=boss, title="申请书", data=APPLICATION, algorithm="sm2")

    valid, message, key = verify_signature(
        holder_uscc=boss.entity_uscc,
        data={**APPLICATION, "面积": 121},
        signature=document.signature,
    )

    assert not valid and "改动" in message and key == document.key


def test_a_gmssl_signature_with_the_entitys_sm2_key_verifies_in_the_portal(boss):
    key = sign_document(acting_user=boss, title="首签", data={}, algorithm="sm2").key
    private_key = crypto.load_any_private_key("sm2", key.encrypted_private_key)
    signer = gm_sm2.CryptSM2(
        private_key=f"{private_key.private_numbers().private_value:064x}",
        public_key=sm.b64url_decode(key.public_key)[1:].hex(),
        asn1=True,
    )
    protected = sm.b64url(json.dumps({"alg": "SM2-SM3", "kid": key.kid}).encode())
    signed = f"{protected}.{sm.b64url(rfc8785.dumps(APPLICATION))}".encode()
    signature = bytes.fromhex(signer.sign_with_sm3(signed, func.random_hex(signer.para_len)))

    token = f"{protected}..{sm.b64url(signature)}"

    assert verify_signature(holder_uscc=boss.entity_uscc, data=APPLICATION, signature=token)[0]


def test_an_entity_holds_one_active_key_per_algorithm_and_rotates_them_apart(boss):
    first_sm2 = sign_document(acting_user=boss, title="甲", data=APPLICATION, algorithm="sm2")
    ed25519 = EntityKey.objects.get(holder_uscc=boss.entity_uscc, algorithm="ed25519")

    new_sm2 = rotate_entity_key(acting_user=boss, holder_uscc=boss.entity_uscc, algorithm="sm2")

    ed25519.refresh_from_db()
    assert ed25519.status == "active" and new_sm2.algorithm == "sm2"
    assert first_sm2.key != new_sm2
    assert verify_signature(
        holder_uscc=boss.entity_uscc, data=APPLICATION, signature=first_sm2.signature
    ) == (True, "签名有效。", first_sm2.key)
    second = sign_document(acting_user=boss, title="乙", data=APPLICATION, algorithm="sm2")
    assert second.key == new_sm2


def test_an_ed25519_only_client_still_reads_the_entity_key_set(client, boss):
    """PyJWT skips the SM2 entries it does not know and verifies the Ed25519 signature."""
    sign_document(acting_user=boss, title="国密", data=APPLICATION, algorithm="sm2")
    document = sign_document(acting_user=boss, title="常规", data=APPLICATION)

    key_set = jwt.PyJWKSet.from_json(
        client.get(f"/elicense/entities/{boss.entity_uscc}/keys.json").content
    )
    key = key_set[jwt.get_unverified_header(document.signature)["kid"]]

    assert jwt.api_jws.decode(
        document.signature,
        key.key,
        algorithms=["EdDSA"],
        detached_payload=rfc8785.dumps(APPLICATION),
    ) == rfc8785.dumps(APPLICATION)


def test_the_api_publishes_both_coordinates_of_an_sm2_entity_key(client, boss):
    sign_document(acting_user=boss, title="国密", data=APPLICATION, algorithm="sm2")
    party, api_key = create_relying_party(name="国密平台", peak_qps=50)
    ratelimit.reset(party.pk)

    keys = client.get(
        f"/api/v1/entities/{boss.entity_uscc}/keys", headers={"Authorization": f"Bearer {api_key}"}
    ).json()

    sm2_key = next(key for key in keys if key["crv"] == "SM2")
    assert len(sm.b64url_decode(sm2_key["x"])) == len(sm.b64url_decode(sm2_key["y"])) == 32


def test_an_unknown_algorithm_is_a_chinese_validation_error(boss):
    with pytest.raises(ValidationError, match="Ed25519 或 SM2"):
        sign_document(acting_user=boss, title="甲", data=APPLICATION, algorithm="rsa")


def test_the_key_page_lists_each_key_with_its_algorithm(client, boss):
    sign_document(acting_user=boss, title="国密", data=APPLICATION, algorithm="sm2")
    client.force_login(boss)

    page = client.get(reverse("elicense:key_list")).content.decode()

    assert page.count('data-key-status="active"') == 2
    assert "<td>SM2（SM3）</td>" in page and "<td>Ed25519</td>" in page


def test_the_sign_page_offers_a_national_algorithm_signature(client, boss):
    from elicense.models import SignedDocument

    client.force_login(boss)
    page = client.get(reverse("elicense:document_sign")).content.decode()
    assert "国密签名（SM2）" in page

    response = client.post(
        reverse("elicense:document_sign"),
        {
            "title": "承诺书",
            "subject": "text",
            "text": "本企业承诺所填信息真实。",
            "algorithm": "sm2",
        },
    )

    document = SignedDocument.objects.get()
    assert response.status_code == 302 and document.key.algorithm == "sm2"
    assert json.loads(sm.b64url_decode(document.signature.split(".")[0]))["alg"] == "SM2-SM3"
    detail = client.get(response["Location"]).content.decode()
    assert 'data-signature-valid="true"' in detail


def test_the_sign_page_refuses_an_algorithm_it_does_not_offer_and_signs_nothing(client, boss):
    from elicense.models import SignedDocument

    client.force_login(boss)
    response = client.post(
        reverse("elicense:document_sign"),
        {"title": "承诺书", "subject": "text", "text": "内容", "algorithm": "rsa"},
    )

    assert response.status_code == 200 and "请选择通用签名或国密签名。" in response.content.decode()
    assert not SignedDocument.objects.exists()
