"""Entity keys and electronic signatures over canonical JSON (电子签名), Ed25519 or SM2."""

import hashlib
import json

import jwt
import rfc8785
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from elicense import crypto, sm
from elicense.audit import ElicenseAction
from elicense.models import (
    Authorisation,
    EntityKey,
    KeyAlgorithm,
    SignedDocument,
    SigningKeyStatus,
)
from elicense.permissions import is_administrator, is_legal_representative, require
from portal.audit import record_event

MAX_DOCUMENT_BYTES = 64 * 1024
#: The JWS ``alg`` of an entity's signature, and the key algorithm it needs (ADR 0023).
ENTITY_ALGORITHMS = {crypto.ALGORITHM: KeyAlgorithm.ED25519, sm.ALGORITHM: KeyAlgorithm.SM2}


def canonical_bytes(data) -> bytes:
    """RFC 8785 canonical JSON: the same bytes for the same data, whatever the key order."""
    try:
        return rfc8785.dumps(data)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise ValidationError(f"数据不能规范化为JSON：{error}") from error


def _algorithm(value) -> KeyAlgorithm:
    if value not in ENTITY_ALGORITHMS.values():  # RSA/P-256 keys are for ID tokens only
        raise ValidationError({"algorithm": "签名算法只能是 Ed25519 或 SM2。"})
    return KeyAlgorithm(value)


def create_entity_key(
    *, holder_uscc: str, acting_user=None, algorithm=KeyAlgorithm.ED25519
) -> EntityKey:
    """A new entity key pair of ``algorithm`` (Ed25519 with the first certificate; SM2 on
    the first SM2 signature), inside the caller's atomic."""
    algorithm = _algorithm(algorithm)
    public_key, encrypted = crypto.new_key_pair(algorithm)
    prefix = "" if algorithm == KeyAlgorithm.ED25519 else "sm2-"
    key = EntityKey.objects.create(
        holder_uscc=holder_uscc,
        kid=f"{holder_uscc}-{prefix}{crypto.new_kid()}",
        algorithm=algorithm,
        public_key=public_key,
        encrypted_private_key=encrypted,
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.ENTITY_KEY_CREATED,
        obj=key,
        changes={"kid": key.kid, "algorithm": algorithm.value},
    )
    return key


def ensure_entity_key(
    *, holder_uscc: str, acting_user=None, algorithm=KeyAlgorithm.ED25519
) -> EntityKey:
    key = EntityKey.objects.filter(
        holder_uscc=holder_uscc, algorithm=algorithm, status=SigningKeyStatus.ACTIVE
    ).first()
    return key or create_entity_key(
        holder_uscc=holder_uscc, acting_user=acting_user, algorithm=algorithm
    )


@transaction.atomic
def rotate_entity_key(
    *, acting_user, holder_uscc: str, algorithm=KeyAlgorithm.ED25519
) -> EntityKey:
    """Retire the entity's key of ``algorithm`` and create a new one; old signatures keep
    verifying."""
    require(acting_user, "elicense.rotate_key")
    if not is_administrator(acting_user) and acting_user.entity_uscc != holder_uscc:
        raise PermissionDenied("只能更换本企业的签名密钥。")
    algorithm = _algorithm(algorithm)
    now = timezone.now()
    for key in EntityKey.objects.select_for_update().filter(
        holder_uscc=holder_uscc, algorithm=algorithm, status=SigningKeyStatus.ACTIVE
    ):
        key.status, key.retired_at = SigningKeyStatus.RETIRED, now
        key.save(update_fields=["status", "retired_at"])
        record_event(actor=acting_user, action=ElicenseAction.ENTITY_KEY_RETIRED, obj=key)
    return create_entity_key(holder_uscc=holder_uscc, acting_user=acting_user, algorithm=algorithm)


def _signing_authorisation(user, matter: str):
    """A legal representative signs for the entity; an agent only within a current scope.

    An agent with no current authorisation at all is refused (PermissionDenied); one whose
    authorisations do not cover the chosen matter is told so on the matter field.
    """
    require(user, "elicense.sign_document")
    if is_legal_representative(user):
        return None
    if not matter:
        raise ValidationError({"matter": "经办人签名须选择所办事项。"})
    authorisation = Authorisation.objects.covering(
        holder_uscc=user.entity_uscc, agent=user, matter=matter
    )
    if authorisation is None:
        raise ValidationError({"matter": "您没有覆盖该事项的有效授权，不能以企业名义签名。"})
    return authorisation


def _sign(payload: bytes, key: EntityKey) -> str:
    """A detached JWS over ``payload``: ``EdDSA`` through PyJWT, or ``SM2-SM3``."""
    private_key = crypto.load_any_private_key(key.algorithm, key.encrypted_private_key)
    if key.algorithm == KeyAlgorithm.SM2:
        return sm.sign_detached(payload, header={"kid": key.kid}, private_key=private_key)
    return jwt.api_jws.encode(
        payload,
        private_key,
        algorithm=crypto.ALGORITHM,
        headers={"kid": key.kid},
        is_payload_detached=True,
    )


@transaction.atomic
def sign_document(
    *, acting_user, title: str, data, matter: str = "", algorithm=KeyAlgorithm.ED25519
) -> SignedDocument:
    """Sign ``data`` as canonical JSON with the entity's key of ``algorithm`` (its SM2 key
    pair is made on the first SM2 signature); stores signer, authorisation, key and time
    with the record, and audits it."""
    algorithm = _algorithm(algorithm)
    authorisation = _signing_authorisation(acting_user, matter)
    payload = canonical_bytes(data)
    if len(payload) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"data": "签名数据过大（上限64KB）。"})
    key = ensure_entity_key(
        holder_uscc=acting_user.entity_uscc, acting_user=acting_user, algorithm=algorithm
    )
    signature = _sign(payload, key)
    document = SignedDocument.objects.create(
        holder_uscc=acting_user.entity_uscc,
        title=title.strip() or "未命名文件",
        matter=matter,
        data=json.loads(payload),
        digest=hashlib.sha256(payload).hexdigest(),
        signature=signature,
        key=key,
        signer=acting_user,
        authorisation=authorisation,
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.DOCUMENT_SIGNED,
        obj=document,
        changes={"title": document.title, "digest": document.digest, "kid": key.kid},
    )
    return document


def verify_signature(
    *, holder_uscc: str, data, signature: str
) -> tuple[bool, str, EntityKey | None]:
    """Check ``signature`` over the canonical JSON of ``data`` with the entity's keys.

    Returns (valid, Chinese message, key). Never raises on bad input.
    """
    try:
        payload = canonical_bytes(data)
        header = jwt.get_unverified_header(signature)
    except (ValidationError, jwt.PyJWTError):
        return False, "签名格式无效。", None
    algorithm = ENTITY_ALGORITHMS.get(header.get("alg"))
    if algorithm is None:
        return False, "不接受的签名算法。", None
    key = EntityKey.objects.filter(
        holder_uscc=holder_uscc, kid=str(header.get("kid", "")), algorithm=algorithm
    ).first()
    if key is None:
        return False, "签名密钥不属于该主体。", None
    try:
        if algorithm == KeyAlgorithm.SM2:
            sm.verify_jws(signature, sm.load_public_key(key.public_key), detached_payload=payload)
        else:
            jwt.api_jws.decode(
                signature,
                crypto.load_public_key(key.public_key),
                algorithms=[crypto.ALGORITHM],
                detached_payload=payload,
            )
    except (jwt.PyJWTError, sm.BadSignature):
        return False, "签名与数据不符：数据可能已被改动。", key
    return True, "签名有效。", key
