"""One verification service: typed results for good and bad tokens, never a 500."""

import base64
import json

import jwt
import pytest

from elicense import crypto, services
from elicense.models import Certificate, Verification
from elicense.verification import Result, verify_token
from licensing import services as register_services
from tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海验证餐饮有限公司")
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    return services.sign_certificate(certificate_id=certificate.pk)


def _verify(token):
    return verify_token(token, channel="api", verifier_label="测试平台")


def _segments(token):
    return token.split(".")


def _encode(data: dict) -> str:
    return crypto.b64url(json.dumps(data, separators=(",", ":")).encode())


def test_a_signed_token_verifies_and_is_logged(signed):
    outcome = _verify(signed.signature)

    assert outcome.result == Result.VALID and outcome.certificate == signed
    log = Verification.objects.get()
    assert (log.result, log.holder_uscc, log.verifier_label) == (
        "valid",
        signed.holder_uscc,
        "测试平台",
    )


def test_a_tampered_payload_is_a_bad_signature(signed):
    header, payload, signature = _segments(signed.signature)
    claims = json.loads(crypto.b64url_decode(payload))
    claims["h"] = "冒名公司"

    outcome = _verify(f"{header}.{_encode(claims)}.{signature}")

    assert outcome.result == Result.BAD_SIGNATURE and outcome.certificate is None


def test_an_unknown_key_id_is_reported_as_such(signed):
    _, payload, signature = _segments(signed.signature)
    header = _encode({"alg": "EdDSA", "kid": "19990101-dead", "typ": crypto.TOKEN_TYPE})

    assert _verify(f"{header}.{payload}.{signature}").result == Result.UNKNOWN_KEY


def test_alg_none_is_refused(signed):
    _, payload, _ = _segments(signed.signature)
    header = _encode({"alg": "none", "kid": signed.key_id})

    outcome = _verify(f"{header}.{payload}.")

    assert outcome.result == Result.BAD_SIGNATURE and "none" in outcome.message


def test_an_hmac_token_keyed_with_the_public_key_is_refused(signed, signing_key):
    forged = jwt.encode(
        {"i": signed.public_id, "u": signed.holder_uscc, "n": signed.number},
        base64.urlsafe_b64decode(signing_key.public_key + "="),
        algorithm="HS256",
        headers={"kid": signing_key.kid},
    )

    assert _verify(forged).result == Result.BAD_SIGNATURE


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[: len(t) // 2],
        lambda t: t.rsplit(".", 1)[0] + ".",
        lambda t: "abc.def.ghi",
        lambda t: "",
        lambda t: "这不是证照码",
    ],
)
def test_truncated_or_garbage_tokens_are_refused_without_error(signed, mangle):
    outcome = _verify(mangle(signed.signature))
    assert outcome.result in (Result.MALFORMED, Result.BAD_SIGNATURE)
    assert outcome.message


def test_an_oversized_token_is_malformed(signed):
    header, payload, signature = _segments(signed.signature)
    oversized = f"{header}.{payload + 'A' * 4096}.{signature}"

    assert _verify(oversized).result == Result.MALFORMED


def test_a_certificate_revoked_after_printing_verifies_as_revoked(signed, xuhui_clerk):
    from licensing.models import MarketEntity

    register_services.revoke_entity(
        acting_user=xuhui_clerk,
        entity=MarketEntity.objects.get(uscc=signed.holder_uscc),
        reason="提交虚假材料取得登记",
    )

    outcome = _verify(signed.signature)

    assert outcome.result == Result.REVOKED
    assert outcome.message.startswith("证照已被吊销（")


def test_a_retired_key_still_verifies_what_it_signed(signed):
    services.rotate_signing_key()

    assert _verify(signed.signature).result == Result.VALID


def test_every_attempt_is_logged(signed):
    for token in (signed.signature, "garbage", signed.signature[:-4]):
        _verify(token)
    assert Verification.objects.count() == 3
