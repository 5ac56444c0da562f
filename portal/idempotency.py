"""Creates that happen once: one-time form tokens and the API's ``Idempotency-Key``.

A create (a food licence, an entity, an upload…) claims the key its request carried in a
``SubmissionKey`` row inside the create's own transaction. A repeated request — a double
click, a reload, a client's retry — finds the claim and gets the first answer: a form is
sent to the first result's page, the API answers the first body again. Two requests at the
same moment are decided by the unique (owner, key) constraint: the second waits for the
first one's transaction; when that commits, the second finds the claim, and when it rolls
back (bad input), the second runs as if it were alone. See ADR 0017.

Every form page that creates renders ``{% form_token %}`` (``portal/templatetags/
idempotency.py``); its view calls ``replay_form`` before validating and
``submit_form_once`` around the service call.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect

from portal.models import SubmissionKey

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Sent with an API answer that repeats the first one.
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
REPLAYED_MESSAGE = "该表单已经提交过，以下是第一次提交的结果（未重复办理）。"


class IdempotencyKeyError(ValidationError):
    """A key that cannot be honoured; ``code`` says why (the API's error code)."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)


@dataclass(frozen=True)
class Once:
    """The answer to a create that runs once.

    ``created`` is what this request's create returned, or None when ``replayed`` (an
    earlier request with the same key made it); ``result`` is the answer either way (for
    forms, ``{"url": ...}``).
    """

    result: dict
    replayed: bool
    created: Any = None

    @property
    def url(self) -> str:
        return self.result["url"]


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def fingerprint(*parts: bytes | str) -> str:
    """SHA-256 over the parts of a request body, each length-prefixed so parts cannot run
    into each other: the same key with another body is told apart by this."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _claim(*, owner: str, key: str, action: str, digest: str) -> SubmissionKey | None:
    """Insert the claim, or return the earlier one this key made (committed by then: the
    insert waits for a concurrent transaction holding the same key)."""
    try:
        with transaction.atomic():
            SubmissionKey.objects.create(owner=owner, key=key, action=action, fingerprint=digest)
    except IntegrityError:
        earlier = SubmissionKey.objects.get(owner=owner, key=key)
    else:
        return None
    if (earlier.action, earlier.fingerprint) != (action, digest):
        raise IdempotencyKeyError(
            "该幂等键已用于另一请求（内容不同）；新的请求请使用新的键。",
            code="idempotency_key_reused",
        )
    return earlier


def run_once(
    *,
    owner: str,
    key: str,
    action: str,
    create: Callable[[], Any],
    result: Callable[[Any], dict],
    digest: str = "",
) -> Once:
    """Run ``create`` unless a request of ``owner`` with the same ``key`` already did.

    The claim, whatever ``create`` writes and the stored answer (``result(created)``, JSON)
    are one transaction. A later request with the key gets the stored answer; one with the
    key but another ``action`` or ``digest`` (another body) raises IdempotencyKeyError
    (``idempotency_key_reused``). An empty ``key`` runs ``create`` without a claim.
    """
    with transaction.atomic():
        if key:
            earlier = _claim(owner=owner, key=key, action=action, digest=digest)
            if earlier is not None:
                return Once(result=earlier.result, replayed=True)
        created = create()
        answer = result(created)
        if key:
            SubmissionKey.objects.filter(owner=owner, key=key).update(result=answer)
        return Once(result=answer, replayed=False, created=created)


def user_owner(user) -> str:
    return f"user:{user.pk}"


def posted_form_token(request) -> str:
    """The token the form sent back; empty when missing or too long to be ours."""
    token = request.POST.get(FORM_TOKEN_FIELD, "")
    return token if len(token) <= MAX_KEY_LENGTH else ""


def replay_form(request, *, action: str) -> HttpResponseRedirect | None:
    """For a form posted again: a redirect to the first result's page, with a notice.

    None when the token is unused or missing, so the view validates and creates as usual.
    Asked before validating, so a repeat is not refused by checks the first post made
    true (a USCC now registered, a supplier now listed).
    """
    token = posted_form_token(request)
    if not token or not request.user.is_authenticated:
        return None
    earlier = SubmissionKey.objects.filter(
        owner=user_owner(request.user), key=token, action=action
    ).first()
    if earlier is None or "url" not in earlier.result:
        return None
    messages.info(request, REPLAYED_MESSAGE)
    return HttpResponseRedirect(earlier.result["url"])


def submit_form_once(
    request, *, action: str, create: Callable[[], Any], url: Callable[[Any], str]
) -> Once:
    """Run a form's create once per form token; ``once.url`` is where to send the user.

    A post that lost the race to a concurrent one with the same token gets the first
    result's URL and a notice instead of a second object.
    """
    once = run_once(
        owner=user_owner(request.user),
        key=posted_form_token(request),
        action=action,
        create=create,
        result=lambda created: {"url": url(created)},
    )
    if once.replayed:
        messages.info(request, REPLAYED_MESSAGE)
    return once


def api_idempotency_key(request) -> str:
    """The request's ``Idempotency-Key`` header, or "" without one.

    Raises IdempotencyKeyError (``invalid_idempotency_key``) when it is empty, longer than
    255 characters or not visible ASCII.
    """
    value = request.headers.get(IDEMPOTENCY_HEADER)
    if value is None:
        return ""
    if not (0 < len(value) <= MAX_KEY_LENGTH and value.isascii() and value.isprintable()):
        raise IdempotencyKeyError(
            "Idempotency-Key 须为1至255个可见ASCII字符（建议使用UUID）。",
            code="invalid_idempotency_key",
        )
    return value
