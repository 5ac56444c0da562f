"""Ed25519 keys and compact JWS (EdDSA) through PyJWT; no home-made signature format.

SM2 keys and tokens live in ``elicense.sm`` (ADR 0023); the helpers here that take an
``algorithm`` dispatch between the two.
"""

import base64
import binascii
import datetime
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
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


def generate_oidc_key_pair(algorithm: str) -> tuple[str, str]:
    """An RSA-2048 (``rsa``) or P-256 (``p256``) key pair for ID tokens of connected systems
    that cannot check EdDSA (ADR 0025): (SubjectPublicKeyInfo DER base64url, encrypted PEM)."""
    if algorithm == "rsa":
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private_key = ec.generate_private_key(ec.SECP256R1())
    encrypted = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(key_passphrase()),
    ).decode("ascii")
    spki = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b64url(spki), encrypted


def new_key_pair(algorithm: str) -> tuple[str, str]:
    """(public key text, encrypted private key) for ``ed25519``, ``sm2``, ``rsa`` or ``p256``."""
    if algorithm == "sm2":
        return sm.generate_key_pair(key_passphrase())
    if algorithm in ("rsa", "p256"):
        return generate_oidc_key_pair(algorithm)
    return generate_key_pair()


def load_any_private_key(algorithm: str, encrypted: str):
    if algorithm == "sm2":
        return sm.load_private_key(encrypted, key_passphrase())
    return load_private_key(encrypted)


def load_any_public_key(algorithm: str, text: str):
    """The public key object of an Ed25519, RSA or P-256 signing key."""
    if algorithm in ("rsa", "p256"):
        return serialization.load_der_public_key(b64url_decode(text))
    return load_public_key(text)


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


class MalformedToken(ValueError):
    """A compact JWS that is not well formed (refused before any signature check)."""


#: base64url without padding (RFC 7515 section 2): nothing outside the alphabet, no "=".
_SEGMENT = re.compile(rb"[A-Za-z0-9_-]*")
#: The only protected-header members the issuer writes; anything else (``crit``, ``b64``,
#: ``jku``, ``x5u`` ...) is refused rather than interpreted.
HEADER_MEMBERS = frozenset({"alg", "kid", "typ"})
ED25519_SIGNATURE_BYTES = 64


def _segment(data: bytes) -> bytes:
    """Decode one segment strictly: the alphabet, no padding, and canonical (the unused low
    bits of the last character are zero, so one value has one spelling)."""
    if _SEGMENT.fullmatch(data) is None or len(data) % 4 == 1:
        raise MalformedToken("not base64url")
    try:
        decoded = base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
    except binascii.Error as error:
        raise MalformedToken("not base64url") from error
    if base64.urlsafe_b64encode(decoded).rstrip(b"=") != data:
        raise MalformedToken("not canonical base64url")
    return decoded


@dataclass(frozen=True)
class CompactJws:
    header: dict
    payload: bytes
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        return self.header["alg"]

    @property
    def kid(self) -> str:
        return self.header.get("kid", "")


def parse_compact(token: str) -> CompactJws:
    """Parse a compact JWS once, strictly (raises ``MalformedToken``): three segments of
    canonical unpadded base64url, a JSON object header with a string ``alg`` and, when
    present, a string ``kid``, and no member the issuer does not write."""
    try:
        data = token.encode("ascii")
    except (UnicodeEncodeError, AttributeError) as error:
        raise MalformedToken("not ASCII") from error
    if len(data) > MAX_TOKEN_BYTES or data.count(b".") != 2:
        raise MalformedToken("not three segments")
    protected, payload, signature = data.split(b".")
    try:
        header = json.loads(_segment(protected))
    except (ValueError, RecursionError) as error:
        raise MalformedToken("header is not JSON") from error
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise MalformedToken("header without alg")
    if not header.keys() <= HEADER_MEMBERS or not isinstance(header.get("kid", ""), str):
        raise MalformedToken("unexpected header member")
    return CompactJws(
        header=header,
        payload=_segment(payload),
        signing_input=protected + b"." + payload,
        signature=_segment(signature),
    )


def verify_parsed(jws: CompactJws, public_key: Ed25519PublicKey) -> bool:
    """The Ed25519 signature of an already parsed EdDSA token (``alg`` pinned by the caller)."""
    if len(jws.signature) != ED25519_SIGNATURE_BYTES:
        return False
    try:
        public_key.verify(jws.signature, jws.signing_input)
    except InvalidSignature:
        return False
    return True
