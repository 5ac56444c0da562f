"""Entity keys and electronic signatures over canonical JSON (电子签名)."""

import hashlib
import json

import jwt
import rfc8785
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from elicense import crypto
from elicense.models import Authorisation, EntityKey, SignedDocument, SigningKeyStatus
from elicense.permissions import is_administrator, is_legal_representative, require
from portal.audit import record_event

MAX_DOCUMENT_BYTES = 64 * 1024


def canonical_bytes(data) -> bytes:
    """RFC 8785 canonical JSON: the same bytes for the same data, whatever the key order."""
    try:
        return rfc8785.dumps(data)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise ValidationError(f"数据不能规范化为JSON：{error}") from error


def create_entity_key(*, holder_uscc: str, acting_user=None) -> EntityKey:
    """The entity's first key pair (with its first certificate), inside the caller's atomic."""
    public_key, encrypted = crypto.generate_key_pair()
    key = EntityKey.objects.create(
        holder_uscc=holder_uscc,
        kid=f"{holder_uscc}-{crypto.new_kid()}",
        public_key=public_key,
        encrypted_private_key=encrypted,
    )
    record_event(actor=acting_user, action="entity_key.created", obj=key, changes={"kid": key.kid})
    return key


def ensure_entity_key(*, holder_uscc: str, acting_user=None) -> EntityKey:
    key = EntityKey.objects.filter(holder_uscc=holder_uscc, status=SigningKeyStatus.ACTIVE).first()
    return key or create_entity_key(holder_uscc=holder_uscc, acting_user=acting_user)


@transaction.atomic
def rotate_entity_key(*, acting_user, holder_uscc: str) -> EntityKey:
    """Retire the entity's key and create a new one; old signatures keep verifying."""
    require(acting_user, "elicense.rotate_key")
    if not is_administrator(acting_user) and acting_user.entity_uscc != holder_uscc:
        raise PermissionDenied("只能更换本企业的签名密钥。")
    now = timezone.now()
    for key in EntityKey.objects.select_for_update().filter(
        holder_uscc=holder_uscc, status=SigningKeyStatus.ACTIVE
    ):
        key.status, key.retired_at = SigningKeyStatus.RETIRED, now
        key.save(update_fields=["status", "retired_at"])
        record_event(actor=acting_user, action="entity_key.retired", obj=key)
    return create_entity_key(holder_uscc=holder_uscc, acting_user=acting_user)


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


@transaction.atomic
def sign_document(*, acting_user, title: str, data, matter: str = "") -> SignedDocument:
    """Sign ``data`` as canonical JSON with the entity's key; stores signer, authorisation,
    key and time with the record, and audits it."""
    authorisation = _signing_authorisation(acting_user, matter)
    payload = canonical_bytes(data)
    if len(payload) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"data": "签名数据过大（上限64KB）。"})
    key = ensure_entity_key(holder_uscc=acting_user.entity_uscc, acting_user=acting_user)
    signature = jwt.api_jws.encode(
        payload,
        crypto.load_private_key(key.encrypted_private_key),
        algorithm=crypto.ALGORITHM,
        headers={"kid": key.kid},
        is_payload_detached=True,
    )
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
        action="document.signed",
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
    if header.get("alg") != crypto.ALGORITHM:
        return False, "不接受的签名算法。", None
    key = EntityKey.objects.filter(holder_uscc=holder_uscc, kid=str(header.get("kid", ""))).first()
    if key is None:
        return False, "签名密钥不属于该主体。", None
    try:
        jwt.api_jws.decode(
            signature,
            crypto.load_public_key(key.public_key),
            algorithms=[crypto.ALGORITHM],
            detached_payload=payload,
        )
    except jwt.PyJWTError:
        return False, "签名与数据不符：数据可能已被改动。", key
    return True, "签名有效。", key
