"""The strict single-parse JWS verifier (ADR 0024) refuses every tampered token the PyJWT
verifier before it refused (``tampered_tokens.json``: one fixed test key, never a real one),
and still accepts the genuine token."""

import json
from pathlib import Path

import jwt
import pytest

from elicense import crypto
from elicense.models import SigningKey
from elicense.queries import memory
from elicense.verification import _verify_compact

CORPUS = json.loads((Path(__file__).parent / "tampered_tokens.json").read_text())
PUBLIC_KEY = crypto.load_public_key(CORPUS["public_key"])
REFUSED = [case for case in CORPUS["tampered"] if case["pyjwt_refuses"]]


def _pyjwt_accepts(token: str) -> bool:
    try:
        jwt.api_jws.decode(token, PUBLIC_KEY, algorithms=[crypto.ALGORITHM])
    except jwt.PyJWTError:
        return False
    return True


def test_the_corpus_is_what_it_says():
    assert len(REFUSED) >= 30
    assert _pyjwt_accepts(CORPUS["genuine"])
    assert not any(_pyjwt_accepts(case["token"]) for case in REFUSED)


def test_the_genuine_token_parses_once_and_verifies():
    jws = crypto.parse_compact(CORPUS["genuine"])
    assert (jws.alg, jws.kid) == ("EdDSA", CORPUS["kid"])
    assert crypto.verify_parsed(jws, PUBLIC_KEY)
    assert json.loads(jws.payload) == CORPUS["claims"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CORPUS["tampered"], ids=lambda case: case["why"])
def test_every_tampered_token_is_refused_by_the_service(case):
    # The corpus key as an issuer key (verify-only: its private half is not stored).
    SigningKey.objects.create(
        kid=CORPUS["kid"], public_key=CORPUS["public_key"], encrypted_private_key="-",
        status="retired",
    )  # fmt: skip
    # The genuine token passes.
    assert _verify_compact(CORPUS["genuine"], memory.usable())[2] is None

    _alg, payload, failure = _verify_compact(case["token"], memory.usable())

    assert payload is None and failure is not None and not failure.ok
