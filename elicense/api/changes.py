"""The change feed, subscriptions and webhook endpoints of a relying party (ADR 0022)."""

import datetime

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel

from elicense.api import ApiError, ErrorOut
from elicense.models import WebhookEndpoint
from elicense.services import changes, webhooks

router = Router(tags=["证照变更推送"])


class ChangeOut(BaseModel):
    """A plain pydantic model: ninja's Schema reads each field through a Django-aware
    getter, which costs more than the query for a page of 500."""

    sequence: int
    event_type: str
    uscc: str
    kind: str
    number: str
    version: int | None
    state: str
    occurred_at: datetime.datetime


CHANGE_FIELDS = tuple(ChangeOut.model_fields)


class FeedOut(BaseModel):
    events: list[ChangeOut]
    next_cursor: int


class FeedParams(Schema):
    after: int = 0
    limit: int = 100


@router.get(
    "/changes",
    response={200: FeedOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="证照变更事件（按序号分页）",
)
def change_feed(request, params: Query[FeedParams]):
    """Events after the cursor ``after`` in sequence order; pass ``next_cursor`` back."""
    if params.after < 0 or not 1 <= params.limit <= changes.MAX_PAGE:
        raise ApiError(
            422,
            "invalid_parameter",
            f"after 应为非负整数，limit 应在 1 至 {changes.MAX_PAGE} 之间。",
        )
    page = changes.feed_page(party=request.auth, after=params.after, limit=params.limit)
    events = [{field: getattr(e, field) for field in CHANGE_FIELDS} for e in page.events]
    return {"events": events, "next_cursor": page.next_cursor}


class SubscriptionIn(Schema):
    identifier: str


class SubscriptionOut(Schema):
    uscc: str
    subscribed_as: str
    created_at: datetime.datetime


def _invalid(error: ValidationError) -> ApiError:
    status, code = (404, "not_found") if error.code == "not_found" else (422, "invalid_identifier")
    return ApiError(status, code, error.messages[0])


@router.post(
    "/subscriptions",
    response={200: SubscriptionOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="订阅主体变更（统一社会信用代码或许可证编号）",
)
def subscribe(request, body: SubscriptionIn):
    try:
        return changes.subscribe(acting_user=None, party=request.auth, identifier=body.identifier)
    except ValidationError as error:
        raise _invalid(error) from error


@router.get(
    "/subscriptions",
    response={200: list[SubscriptionOut], 401: ErrorOut, 429: ErrorOut},
    summary="已订阅的主体",
)
def subscriptions(request):
    return list(request.auth.subscriptions.all())


@router.delete(
    "/subscriptions/{identifier}",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="取消订阅",
)
def unsubscribe(request, identifier: str):
    try:
        removed = changes.unsubscribe(acting_user=None, party=request.auth, identifier=identifier)
    except ValidationError as error:
        raise _invalid(error) from error
    if not removed:
        raise ApiError(404, "not_found", "未订阅该主体。")
    return Status(204, None)


class EndpointIn(Schema):
    url: str


class EndpointOut(Schema):
    id: int
    url: str
    status: str
    secret: str | None = None


@router.post(
    "/webhooks",
    response={201: EndpointOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="登记推送接收地址（签名密钥只显示这一次）",
)
def register_webhook(request, body: EndpointIn):
    try:
        endpoint, secret = webhooks.register_endpoint(
            acting_user=None, party=request.auth, url=body.url
        )
    except ValidationError as error:
        raise ApiError(422, "invalid_url", error.messages[0]) from error
    out = {"id": endpoint.pk, "url": endpoint.url, "status": endpoint.status, "secret": secret}
    return Status(201, out)


def _own_endpoint(request, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(party=request.auth, pk=endpoint_id).first()
    if endpoint is None:
        raise ApiError(404, "not_found", "未找到该推送接收地址。")
    return endpoint


@router.post(
    "/webhooks/{endpoint_id}/rotate-secret",
    response={200: EndpointOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="更换签名密钥（旧密钥继续签名 24 小时）",
)
def rotate_webhook_secret(request, endpoint_id: int):
    endpoint = _own_endpoint(request, endpoint_id)
    secret = webhooks.rotate_secret(acting_user=None, endpoint=endpoint)
    return {"id": endpoint.pk, "url": endpoint.url, "status": endpoint.status, "secret": secret}


@router.get(
    "/webhooks",
    response={200: list[EndpointOut], 401: ErrorOut, 429: ErrorOut},
    summary="推送接收地址",
)
def webhooks_list(request):
    return [
        {"id": e.pk, "url": e.url, "status": e.status} for e in request.auth.webhook_endpoints.all()
    ]


class AttemptOut(Schema):
    attempted_at: datetime.datetime
    status_code: int | None
    latency_ms: int
    error: str


class DeliveryOut(Schema):
    sequence: int
    delivered_at: datetime.datetime | None
    attempts: list[AttemptOut]


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="推送记录（最近 100 个事件及每次尝试的状态码、耗时）",
)
def webhook_deliveries(request, endpoint_id: int):
    endpoint = _own_endpoint(request, endpoint_id)
    deliveries = (
        endpoint.deliveries.select_related("event")
        .prefetch_related("attempts")
        .order_by("-event__sequence")[:100]
    )
    return [
        {"sequence": d.event.sequence, "delivered_at": d.delivered_at, "attempts": d.attempts.all()}
        for d in deliveries
    ]
