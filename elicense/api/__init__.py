"""The verification API for relying parties (django-ninja): auth, errors, token checks.

The NinjaAPI object is assembled in the root URLconf (``config/urls.py``), which is the
only module that sees every app's router.
"""

import datetime
import json

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from elicense import crypto
from elicense.models import Certificate, EntityKey, RelyingParty, SignedDocument
from elicense.models.relying_parties import Need
from elicense.services.badges import NoCertificates, issue_badge
from elicense.services.certificates import dual_signed_token
from elicense.services.documents import public_url
from elicense.services.relying_parties import party_for_key
from elicense.services.signatures import verify_signature
from elicense.verification import live_result, verify_token
from elicense.views.badges import badge_snippet
from portal import ratelimit
from portal.idempotency import (
    REPLAYED_HEADER,
    IdempotencyKeyError,
    api_idempotency_key,
    fingerprint,
    run_once,
)
from portal.identifiers import normalise_identifier
from portal.middleware import public_base_url


class ApiError(Exception):
    """An error answered as ``{"code", "message"}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer <key>``; also spends one token of the party's rate limit."""

    def __call__(self, request: HttpRequest) -> RelyingParty | None:
        """``HttpBearer``'s parsing, with the header read from ``META``: ``request.headers``
        would copy every header of the request first (~8 µs of each API call)."""
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> RelyingParty | None:
        party = party_for_key(token)
        if party is None:
            return None
        allowed, wait = ratelimit.take(party.pk, party.peak_qps)
        if not allowed:
            raise ApiError(
                429,
                "rate_limited",
                f"超过约定的验证峰值（{party.peak_qps}次/秒），请{wait}秒后重试。",
                {"Retry-After": str(wait)},
            )
        return party


def require_need(party: RelyingParty, need: str) -> None:
    if need not in party.needs:
        raise ApiError(403, "forbidden", f"接入申请未包含“{Need(need).label}”，无权调用本接口。")


class ErrorOut(Schema):
    code: str
    message: str


class CertificateOut(Schema):
    kind: str
    number: str
    status: str
    holder_uscc: str
    holder_name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    verify_url: str


class AuthorisationOut(Schema):
    id: int
    scope: str
    valid_to: str


class PresenterOut(Schema):
    name: str
    capacity: str
    authorisation: AuthorisationOut | None = None


class TokenIn(Schema):
    token: str


class VerifyOut(Schema):
    result: str
    message: str
    certificate: CertificateOut | None
    presenter: PresenterOut | None
    algorithms: list[str] = []


def certificate_out(certificate: Certificate, status: str) -> dict:
    return {
        "kind": certificate.kind,
        "number": certificate.number,
        "status": status,
        "holder_uscc": certificate.holder_uscc,
        "holder_name": certificate.holder_name,
        "valid_from": certificate.valid_from,
        "valid_to": certificate.valid_to,
        "verify_url": public_url(certificate),
    }


router = Router(tags=["证照查验"])


@router.post(
    "/tokens/verify",
    response={200: VerifyOut, 401: ErrorOut, 403: ErrorOut, 429: ErrorOut},
    summary="查验出示码或打印件二维码",
)
def verify(request, body: TokenIn):
    """The same verification the clerk's scan page uses; logged in the holder's 查验记录."""
    party = request.auth
    require_need(party, Need.PRESENTATION)
    outcome = verify_token(
        body.token, channel="api", verifier_label=party.org_name, relying_party=party
    )
    certificate = outcome.certificate
    return {
        "result": outcome.result,
        "message": outcome.message,
        "certificate": certificate_out(certificate, live_result(certificate))
        if certificate
        else None,
        "presenter": outcome.presenter,
        "algorithms": list(outcome.algorithms),
    }


def install_error_handlers(api) -> None:
    """Every error as ``{"code", "message"}`` in Chinese."""

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        response = api.create_response(
            request, {"code": exc.code, "message": exc.message}, status=exc.status
        )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(AuthenticationError)
    def unauthorised(request, exc):
        return api.create_response(
            request,
            {
                "code": "unauthorized",
                "message": "缺少或无效的接口密钥（Authorization: Bearer <key>）。",
            },
            status=401,
        )

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return api.create_response(
            request,
            {"code": "invalid_request", "message": f"请求格式错误：{exc.errors}"},
            status=422,
        )


class BadgeIn(Schema):
    uscc: str
    shop_id: str


class BadgeOut(Schema):
    badge_id: str
    image_url: str
    link_url: str
    snippet: str


@router.post(
    "/badges",
    response={200: BadgeOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="为店铺页签发证照公示标识",
)
def badge(request, response: HttpResponse, body: BadgeIn):
    """An embeddable badge for one shop on this platform, linking to the holder's page.

    The same shop asked twice gets the same badge; an ``Idempotency-Key`` header is honoured
    as on every create (same key and body: the first answer; another body: 422)."""
    uscc = normalise_identifier(body.uscc)
    try:
        once = run_once(
            owner=f"party:{request.auth.pk}",
            key=api_idempotency_key(request),
            action="elicense.badge.issue",
            digest=fingerprint(uscc, body.shop_id),
            create=lambda: issue_badge(
                relying_party=request.auth, holder_uscc=uscc, shop_id=body.shop_id
            ),
            result=_badge_out,
        )
    except IdempotencyKeyError as error:
        raise ApiError(422, error.code, error.messages[0]) from error
    except NoCertificates as error:
        raise ApiError(404, "not_found", "未找到该主体的电子证照。") from error
    if once.replayed:
        response[REPLAYED_HEADER] = "true"
    return once.result


def _badge_out(issued) -> dict:
    base = public_base_url()
    return {
        "badge_id": issued.public_id,
        "image_url": base + reverse("elicense:badge_image", args=[issued.public_id]),
        "link_url": base + reverse("elicense:badge_link", args=[issued.public_id]),
        "snippet": badge_snippet(issued, base),
    }


class SignatureIn(Schema):
    uscc: str
    data: dict | list
    signature: str


class SignedByOut(Schema):
    document_id: str
    title: str
    signer: str
    capacity: str
    signed_at: datetime.datetime
    authorisation: AuthorisationOut | None = None


class SignatureOut(Schema):
    valid: bool
    message: str
    kid: str | None
    signed: SignedByOut | None


class EntityKeyOut(Schema):
    kid: str
    kty: str
    crv: str
    x: str
    y: str | None = None
    alg: str
    status: str


@router.post(
    "/signatures/verify",
    response={200: SignatureOut, 401: ErrorOut, 429: ErrorOut},
    summary="验证企业电子签名",
)
def signature_verify(request, body: SignatureIn):
    """Check a signature over canonical JSON against the entity's keys; who signed, when."""
    uscc = normalise_identifier(body.uscc)
    valid, message, key = verify_signature(
        holder_uscc=uscc, data=body.data, signature=body.signature
    )
    signed = None
    if valid:
        document = (
            SignedDocument.objects.filter(holder_uscc=uscc, signature=body.signature)
            .select_related("signer", "authorisation__scope")
            .first()
        )
        if document is not None:
            authorisation = document.authorisation
            signed = {
                "document_id": document.public_id,
                "title": document.title,
                "signer": str(document.signer),
                "capacity": document.signer.get_enterprise_capacity_display(),
                "signed_at": document.signed_at,
                "authorisation": {
                    "id": authorisation.pk,
                    "scope": authorisation.scope.path,
                    "valid_to": authorisation.valid_to.isoformat(),
                }
                if authorisation
                else None,
            }
    return {"valid": valid, "message": message, "kid": key.kid if key else None, "signed": signed}


@router.get(
    "/entities/{uscc}/keys",
    response={200: list[EntityKeyOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="企业电子签名公钥",
)
def entity_keys(request, uscc: str):
    keys = EntityKey.objects.filter(holder_uscc=normalise_identifier(uscc)).order_by("-created_at")
    if not keys:
        raise ApiError(404, "not_found", "未找到该主体的签名密钥。")
    return [{**crypto.jwk(key.kid, key.public_key), "status": key.status} for key in keys]


class JwsSignatureOut(Schema):
    protected: str
    signature: str


class JwsJsonOut(Schema):
    payload: str
    signatures: list[JwsSignatureOut]


@router.get(
    "/certificates/{public_id}/jws",
    response={200: JwsJsonOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="证照签名令牌（JWS JSON，Ed25519 与 SM2 双签名）",
)
def certificate_jws(request, public_id: str):
    """The certificate's signatures as one JWS in general JSON serialisation (ADR 0023):
    check it offline with both key sets, or send it back to ``/tokens/verify``."""
    certificate = Certificate.objects.filter(public_id=public_id).exclude(signature="").first()
    if certificate is None:
        raise ApiError(404, "not_found", "未找到该证照或证照尚未签名。")
    return json.loads(dual_signed_token(certificate))
