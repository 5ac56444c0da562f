"""The national algorithms beside Ed25519 (ADR 0023): SM2 signatures with SM3, SM4 at rest.

SM2 and SM4 run in Tongsuo (``tongsuopy``); PBKDF2-HMAC-SM3 runs in the OpenSSL that
``hashlib`` links. Signatures follow GB/T 32918.2: the SM3 digest covers the signer's Z value
(default identity ``1234567812345678``) and the message; they are DER-encoded. JWS here is
built by hand because no JOSE library knows SM2; the layout is the one of RFC 7515.
"""

import base64
import functools
import hashlib
import json
import secrets

from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.ciphers.aead import SM4GCM
from tongsuopy.crypto.exceptions import InvalidSignature, InvalidTag

ALGORITHM = "SM2-SM3"
KEY_TYPE = "EC"
CURVE = "SM2"
#: Stored private keys start with this, saying cipher, KDF and its iterations.
KEY_FORMAT = "sm4-gcm/pbkdf2-hmac-sm3"
KDF_ITERATIONS = 100_000
_AAD = b"elicense SM2 private key"


class BadSignature(Exception):
    """A signature, key or token that does not verify (or cannot be read)."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


@functools.lru_cache(maxsize=64)
def _key_encryption_key(passphrase: bytes, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SM3 to a 128-bit SM4 key; cached per process so that signing a batch
    of certificates derives it once, not once per signature."""
    return hashlib.pbkdf2_hmac("sm3", passphrase, salt, iterations, dklen=16)


def encrypt_private_key(der: bytes, passphrase: bytes) -> str:
    """``sm4-gcm/pbkdf2-hmac-sm3$iterations$salt$nonce$ciphertext+tag`` (base64url parts)."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    key = _key_encryption_key(passphrase, salt, KDF_ITERATIONS)
    sealed = SM4GCM(key).encrypt(nonce, der, _AAD)
    parts = [KEY_FORMAT, str(KDF_ITERATIONS), b64url(salt), b64url(nonce), b64url(sealed)]
    return "$".join(parts)


def decrypt_private_key(text: str, passphrase: bytes) -> bytes:
    """The DER private key; raises BadSignature when the passphrase or the text is wrong."""
    try:
        key_format, iterations, salt, nonce, sealed = text.split("$")
        if key_format != KEY_FORMAT:
            raise ValueError(key_format)
        key = _key_encryption_key(passphrase, b64url_decode(salt), int(iterations))
        return SM4GCM(key).decrypt(b64url_decode(nonce), b64url_decode(sealed), _AAD)
    except (ValueError, InvalidTag) as error:
        raise BadSignature("SM2私钥无法解密：口令错误或密文被改动。") from error


def generate_key_pair(passphrase: bytes) -> tuple[str, str]:
    """A new SM2 key pair as (public key base64url, SM4-encrypted PKCS#8 DER)."""
    private_key = ec.generate_private_key(ec.SM2())
    der = private_key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return public_key_text(private_key.public_key()), encrypt_private_key(der, passphrase)


def public_key_text(public_key) -> str:
    """The uncompressed point (65 bytes, 0x04 || x || y) in base64url."""
    point = public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def load_private_key(encrypted: str, passphrase: bytes):
    der = decrypt_private_key(encrypted, passphrase)
    return serialization.load_der_private_key(der, password=None)


def load_public_key(text: str):
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SM2(), b64url_decode(text))
    except ValueError as error:
        raise BadSignature("SM2公钥无效。") from error


def is_sm2_public_key(text: str) -> bool:
    """SM2 public keys are 65-byte points (87 characters); Ed25519 ones are 32 bytes."""
    return len(text) == 87


def jwk(kid: str, public_key: str) -> dict:
    """The public key as a JWK: ``kty`` EC, ``crv`` SM2, x and y of 32 bytes each."""
    point = b64url_decode(public_key)
    return {
        "kty": KEY_TYPE,
        "crv": CURVE,
        "x": b64url(point[1:33]),
        "y": b64url(point[33:65]),
        "kid": kid,
        "alg": ALGORITHM,
        "use": "sig",
    }


def sign_bytes(data: bytes, private_key) -> bytes:
    """GB/T 32918.2 signature (SM3 over Z || data, default identity), DER-encoded."""
    return private_key.sign(data, ec.ECDSA(hashes.SM3()))


def verify_bytes(signature: bytes, data: bytes, public_key) -> None:
    """Raises BadSignature unless ``signature`` is the key's signature over ``data``."""
    try:
        public_key.verify(signature, data, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, ValueError) as error:
        raise BadSignature("SM2签名无效。") from error


def _protected(header: dict) -> str:
    return b64url(json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode())


def sign_jws(payload_segment: str, *, header: dict, private_key) -> str:
    """A compact JWS ``protected.payload.signature`` with ``alg`` SM2-SM3 over an already
    encoded payload segment, so it can share the payload of an EdDSA token."""
    protected = _protected({"alg": ALGORITHM, **header})
    signature = sign_bytes(f"{protected}.{payload_segment}".encode("ascii"), private_key)
    return f"{protected}.{payload_segment}.{b64url(signature)}"


def sign_detached(payload: bytes, *, header: dict, private_key) -> str:
    """A detached compact JWS ``protected..signature`` over ``payload`` (RFC 7515 appendix F)."""
    protected, _payload, signature = sign_jws(
        b64url(payload), header=header, private_key=private_key
    ).split(".")
    return f"{protected}..{signature}"


def unverified_header(token: str) -> dict:
    """The protected header of a compact JWS; raises BadSignature when unreadable."""
    try:
        header = json.loads(b64url_decode(token.split(".")[0]))
    except (ValueError, RecursionError) as error:
        raise BadSignature("JWS头无法读取。") from error
    if not isinstance(header, dict):
        raise BadSignature("JWS头无法读取。")
    return header


def verify_jws(token: str, public_key, *, detached_payload: bytes | None = None) -> bytes:
    """Check a compact SM2-SM3 JWS and return its payload bytes.

    With ``detached_payload`` the token is ``protected..signature`` and the payload is
    supplied (base64url-encoded into the signing input as RFC 7515 appendix F says).
    """
    try:
        protected, payload_segment, signature = token.split(".")
        if detached_payload is not None:
            if payload_segment:
                raise ValueError("payload not detached")
            payload_segment = b64url(detached_payload)
        signature_bytes = b64url_decode(signature)
        payload = b64url_decode(payload_segment)
        signing_input = f"{protected}.{payload_segment}".encode("ascii")
    except ValueError as error:
        raise BadSignature("JWS格式无效。") from error
    if unverified_header(token).get("alg") != ALGORITHM:
        raise BadSignature("不是SM2-SM3签名。")
    verify_bytes(signature_bytes, signing_input, public_key)
    return payload
