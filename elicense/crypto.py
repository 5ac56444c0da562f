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


#: Three segments of base64url without padding (RFC 7515 section 2): nothing outside the
#: alphabet, no "=".
_COMPACT = re.compile(rb"([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)")
_BASE64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: The characters a segment of length 4n + 2 or 4n + 3 may end with: those whose unused low
#: bits (4 or 2) are zero, so that one value has one spelling.
_CANONICAL_LAST = {2: frozenset(_BASE64URL[::16]), 3: frozenset(_BASE64URL[::4])}
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
#: The only protected-header members the issuer writes; anything else (``crit``, ``b64``,
#: ``jku``, ``x5u`` ...) is refused rather than interpreted.
HEADER_MEMBERS = frozenset({"alg", "kid", "typ"})
ED25519_SIGNATURE_BYTES = 64
#: Protected headers already accepted, by their bytes: every token of one issuer key has the
#: same one, and decoding it is a pure function of the bytes (~4 µs a check, issue 15).
_HEADERS: dict[bytes, dict] = {}
_HEADERS_MAX = 64


def _segment(data: bytes) -> bytes:
    """Decode one segment already matched to the alphabet, strictly: no length of 4n + 1, and
    canonical (the last character's unused low bits are zero)."""
    rest = len(data) % 4
    if rest == 1 or (rest and data[-1] not in _CANONICAL_LAST[rest]):
        raise MalformedToken("not canonical base64url")
    return binascii.a2b_base64(data.translate(_TO_STANDARD) + b"=" * (-len(data) % 4))


def _header(protected: bytes) -> dict:
    """The protected header: a JSON object with a string ``alg``, when present a string
    ``kid``, and no member the issuer does not write."""
    try:
        header = json.loads(_segment(protected))
    except (ValueError, RecursionError) as error:
        raise MalformedToken("header is not JSON") from error
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise MalformedToken("header without alg")
    if not header.keys() <= HEADER_MEMBERS or not isinstance(header.get("kid", ""), str):
        raise MalformedToken("unexpected header member")
    return header


def _known_header(protected: bytes) -> dict:
    header = _HEADERS.get(protected)
    if header is None:
        header = _header(protected)
        if len(_HEADERS) >= _HEADERS_MAX:
            _HEADERS.clear()
        _HEADERS[protected] = header
    return header


@dataclass(frozen=True)
class CompactJws:
    #: Shared by every token with the same protected header: read it, never change it.
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
    canonical unpadded base64url and an accepted header (``_header``)."""
    try:
        data = token.encode("ascii")
    except (UnicodeEncodeError, AttributeError) as error:
        raise MalformedToken("not ASCII") from error
    match = _COMPACT.fullmatch(data) if len(data) <= MAX_TOKEN_BYTES else None
    if match is None:
        raise MalformedToken("not three segments of base64url")
    protected, payload, signature = match.groups()
    return CompactJws(
        header=_known_header(protected),
        payload=_segment(payload),
        signing_input=data[: match.end(2)],
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
