"""SM2 issuer keys beside Ed25519: made, rotated and retired by the same command; a
certificate signed with both verifies by either; tampering with either is refused; an
Ed25519-only verifier sees nothing new."""

import json

import jwt
import pytest
from django.core.management import CommandError, call_command
from gmssl import sm2 as gm_sm2

from elicense import services, sm
from elicense.health import active_key_problem
from elicense.models import Certificate, SigningKey
from elicense.services.certificates import dual_signed_token
from elicense.services.relying_parties import create_relying_party, require_sm2_signatures
from elicense.verification import verify_token
from portal import ratelimit
from portal.models import AuditEvent
from tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def sm2_key(signing_key):
    return services.create_signing_key(algorithm="sm2")


@pytest.fixture
def dual_signed(xuhui_clerk, sm2_key):
    entity = register(xuhui_clerk, name="上海国密餐饮有限公司")
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    return services.sign_certificate(certificate_id=certificate.pk)


def _verify(token, **kwargs):
    return verify_token(token, channel="api", **kwargs)


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


def test_sm2_keys_are_made_rotated_and_retired_with_the_key_command(db, capsys):
    call_command("elicense_keys", "create")
    call_command("elicense_keys", "create", "--algorithm", "sm2")
    call_command("elicense_keys", "create", "--algorithm", "sm2", "--if-missing")
    first = SigningKey.objects.get(algorithm="sm2")
    assert first.kid.startswith("sm2-") and first.status == "active"
    assert first.encrypted_private_key.startswith("sm4-gcm/pbkdf2-hmac-sm3$")
    assert "PRIVATE KEY" not in first.encrypted_private_key

    call_command("elicense_keys", "rotate", "--algorithm", "sm2")
    second = SigningKey.objects.get(algorithm="sm2", status="active")
    first.refresh_from_db()
    assert first.status == "retired" and second != first
    assert SigningKey.objects.get(algorithm="ed25519").status == "active"  # untouched

    call_command("elicense_keys", "retire", second.kid)
    call_command("elicense_keys", "list")
    listing = capsys.readouterr().out
    assert f"{second.kid}\tsm2\tretired" in listing and "\ted25519\tactive" in listing
    assert AuditEvent.objects.filter(action="signing_key.created").count() == 3


def test_a_second_active_sm2_key_is_refused_in_chinese(sm2_key):
    with pytest.raises(CommandError, match="已有签发中的密钥（SM2"):
        call_command("elicense_keys", "create", "--algorithm", "sm2")


def test_an_sm2_key_the_passphrase_cannot_open_fails_readiness(signing_key, settings):
    assert active_key_problem() is None
    passphrase = settings.ELICENSE_KEY_PASSPHRASE
    settings.ELICENSE_KEY_PASSPHRASE = "the passphrase of another deployment"
    stray = services.create_signing_key(algorithm="sm2")
    settings.ELICENSE_KEY_PASSPHRASE = passphrase

    assert f"无法解密签发中的密钥 {stray.kid}" in active_key_problem()


def test_a_dual_signed_certificate_verifies_by_either_algorithm_and_both(dual_signed):
    ed_token, sm2_token = dual_signed.signature, dual_signed.sm2_signature
    assert ed_token.split(".")[1] == sm2_token.split(".")[1]  # one payload, two signatures
    assert jwt.get_unverified_header(sm2_token)["alg"] == "SM2-SM3"

    by_ed, by_sm2 = _verify(ed_token), _verify(sm2_token)
    both = _verify(dual_signed_token(dual_signed))

    assert (by_ed.result, by_ed.algorithms) == ("valid", ("EdDSA",))
    assert (by_sm2.result, by_sm2.algorithms) == ("valid", ("SM2-SM3",))
    assert (both.result, both.algorithms) == ("valid", ("EdDSA", "SM2-SM3"))
    assert both.certificate == dual_signed
    assert AuditEvent.objects.get(action="certificate.signed").changes["sm2_kid"]


def test_an_ed25519_only_verifier_still_accepts_the_printed_token(client, dual_signed):
    """The QR's compact EdDSA token and the JWKS are what they were before SM2."""
    jwks_json = client.get("/.well-known/elicense-keys.json").content
    assert {key["kty"] for key in json.loads(jwks_json)["keys"]} == {"OKP"}
    key = jwt.PyJWKSet.from_json(jwks_json)[jwt.get_unverified_header(dual_signed.signature)["kid"]]

    claims = jwt.decode(dual_signed.signature, key.key, algorithms=["EdDSA"])

    assert claims["i"] == dual_signed.public_id


def test_a_gmssl_verifier_checks_the_sm2_signature_with_the_published_key(client, dual_signed):
    published = client.get("/.well-known/elicense-sm2-keys.json").json()["keys"]
    protected, payload, signature = dual_signed.sm2_signature.split(".")
    jwk = next(k for k in published if k["kid"] == json.loads(sm.b64url_decode(protected))["kid"])
    assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("EC", "SM2", "SM2-SM3")
    point = (sm.b64url_decode(jwk["x"]) + sm.b64url_decode(jwk["y"])).hex()
    verifier = gm_sm2.CryptSM2(private_key="", public_key=point, asn1=True)

    signed = f"{protected}.{payload}".encode()
    assert verifier.verify_with_sm3(sm.b64url_decode(signature).hex(), signed)
    assert not verifier.verify_with_sm3(sm.b64url_decode(signature).hex(), signed + b" ")


@pytest.mark.parametrize("which", [0, 1])
def test_a_changed_byte_in_either_signature_is_a_bad_signature(dual_signed, which):
    document = json.loads(dual_signed_token(dual_signed))
    signature = document["signatures"][which]["signature"]
    document["signatures"][which]["signature"] = _flip(signature, len(signature) // 2)

    outcome = _verify(json.dumps(document))

    assert outcome.result == "bad_signature"
    assert outcome.certificate is None


def test_a_changed_payload_byte_fails_both_signatures(dual_signed):
    document = json.loads(dual_signed_token(dual_signed))
    payload = _flip(document["payload"], 10)
    document["payload"] = payload

    assert _verify(json.dumps(document)).result in ("bad_signature", "malformed")
    for token in (dual_signed.signature, dual_signed.sm2_signature):
        protected, _payload, signature = token.split(".")
        assert _verify(f"{protected}.{payload}.{signature}").result in (
            "bad_signature",
            "malformed",
        )


def test_a_changed_sm2_compact_token_is_refused(dual_signed):
    protected, payload, signature = dual_signed.sm2_signature.split(".")
    outcome = _verify(f"{protected}.{payload}.{_flip(signature, 20)}")
    assert outcome.result == "bad_signature"


def test_a_party_requiring_sm2_refuses_a_certificate_without_one(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk)
    certificate = services.sign_certificate(
        certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk
    )
    party, _api_key = create_relying_party(name="国密平台", peak_qps=5)
    party = require_sm2_signatures(acting_user=None, party=party, required=True)
    assert certificate.sm2_signature == ""
    assert json.loads(dual_signed_token(certificate))["signatures"][0]["protected"]

    refused = _verify(certificate.signature, relying_party=party)
    assert refused.result == "bad_signature"
    assert "SM2" in refused.message
    assert _verify(certificate.signature).result == "valid"  # others are not affected


def test_a_party_requiring_sm2_accepts_a_dual_signed_certificate(dual_signed):
    party, _api_key = create_relying_party(name="国密平台", peak_qps=5)
    party = require_sm2_signatures(acting_user=None, party=party, required=True)

    assert _verify(dual_signed_token(dual_signed), relying_party=party).result == "valid"
    assert _verify(dual_signed.sm2_signature, relying_party=party).result == "valid"
    assert _verify(dual_signed.signature, relying_party=party).result == "bad_signature"


def test_a_retired_sm2_key_still_verifies_and_an_unknown_one_does_not(dual_signed, sm2_key):
    services.rotate_signing_key(algorithm="sm2")
    assert _verify(dual_signed_token(dual_signed)).result == "valid"

    protected, payload, signature = dual_signed.sm2_signature.split(".")
    header = {**json.loads(sm.b64url_decode(protected)), "kid": "sm2-19990101-0000"}
    forged = f"{sm.b64url(json.dumps(header).encode())}.{payload}.{signature}"
    assert _verify(forged).result == "unknown_key"


def test_an_ed25519_kid_under_the_sm2_algorithm_is_unknown(dual_signed):
    protected, payload, signature = dual_signed.sm2_signature.split(".")
    header = {**json.loads(sm.b64url_decode(protected)), "kid": dual_signed.key_id}
    forged = f"{sm.b64url(json.dumps(header).encode())}.{payload}.{signature}"
    assert _verify(forged).result == "unknown_key"


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"payload": 1, "signatures": []}',
        '{"payload": "e30", "signatures": [{"protected": "e30"}]}',
        '{"payload": "e30", "signatures": "x"}',
        "[1, 2]",
        '{"a": ' + "[" * 2000 + "]" * 2000 + "}",
        '{"payload": "e30", "signatures": [{"protected": "eyJhbGciOlsxXX0", "signature": "x"}]}',
        '{"payload": "e30", "signatures": [{"protected": "é", "signature": "x"}]}',
        "eyJhbGciOlsxXX0.e30.eA",
    ],
)
def test_broken_tokens_are_refused_not_errors(db, text):
    assert _verify(text).result in ("malformed", "bad_signature")


def test_a_relying_party_fetches_the_dual_signed_token_and_verifies_it_by_api(client, dual_signed):
    party, api_key = create_relying_party(name="国密平台", peak_qps=50)
    ratelimit.reset(party.pk)
    headers = {"Authorization": f"Bearer {api_key}"}

    token = client.get(f"/api/v1/certificates/{dual_signed.public_id}/jws", headers=headers).json()
    reply = client.post(
        "/api/v1/tokens/verify",
        {"token": json.dumps(token)},
        content_type="application/json",
        headers=headers,
    ).json()

    assert len(token["signatures"]) == 2
    assert (reply["result"], reply["algorithms"]) == ("valid", ["EdDSA", "SM2-SM3"])
    missing = client.get("/api/v1/certificates/nosuchcertificate/jws", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
