"""Ed25519 keys and compact JWS (EdDSA) through PyJWT; no home-made signature format.

SM2 keys and tokens live in ``elicense.sm`` (ADR 0023); the helpers here that take an
``algorithm`` dispatch between the two.
"""

import base64
import datetime
import secrets
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from elicense import sm

ALGORITHM = "EdDSA"
TOKEN_TYPE = "elicense+jws"  # noqa: S105 - a JOSE "typ", not a secret
MAX_TOKEN_BYTES = 4096


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_passphrase() -> bytes:
    """The passphrase that encrypts private keys at rest (``ELICENSE_KEY_PASSPHRASE``).

    With LOCAL_SECRETS (DEBUG, ``make run``) a development passphrase is kept under var/;
    in production the environment must provide it.
    """
    if settings.ELICENSE_KEY_PASSPHRASE:
        return settings.ELICENSE_KEY_PASSPHRASE.encode()
    if not settings.LOCAL_SECRETS:
        raise ImproperlyConfigured("ELICENSE_KEY_PASSPHRASE must be set outside LOCAL_SECRETS.")
    path = Path(settings.VAR_DIR) / "elicense_key_passphrase"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def generate_key_pair() -> tuple[str, str]:
    """A new Ed25519 key pair as (public key base64url, encrypted PKCS#8 PEM)."""
    private_key = Ed25519PrivateKey.generate()
    encrypted = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(key_passphrase()),
    ).decode("ascii")
    return public_key_text(private_key.public_key()), encrypted


def public_key_text(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url(raw)


def load_private_key(encrypted_pem: str) -> Ed25519PrivateKey:
    return serialization.load_pem_private_key(encrypted_pem.encode(), password=key_passphrase())


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64url_decode(text))


def new_key_pair(algorithm: str) -> tuple[str, str]:
    """(public key text, encrypted private key) for ``ed25519`` or ``sm2``."""
    if algorithm == "sm2":
        return sm.generate_key_pair(key_passphrase())
    return generate_key_pair()


def load_any_private_key(algorithm: str, encrypted: str):
    if algorithm == "sm2":
        return sm.load_private_key(encrypted, key_passphrase())
    return load_private_key(encrypted)


def jwk(kid: str, public_key: str) -> dict:
    """The public key as an RFC 8037 OKP JWK, or an SM2 one (``kty`` EC, ``crv`` SM2)."""
    if sm.is_sm2_public_key(public_key):
        return sm.jwk(kid, public_key)
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": public_key,
        "kid": kid,
        "alg": ALGORITHM,
        "use": "sig",
    }


def sign(claims: dict, *, kid: str, private_key: Ed25519PrivateKey) -> str:
    return jwt.encode(
        claims, private_key, algorithm=ALGORITHM, headers={"kid": kid, "typ": TOKEN_TYPE}
    )


def new_kid() -> str:
    """Key ids say when the key was made: ``YYYYMMDD-xxxx``."""
    today = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d")
    return f"{today}-{secrets.token_hex(2)}"
