"""Subscribing to the change feed from a bulk check (the feed itself is elicense's)."""

from django.core.exceptions import ValidationError
from ninja import Router, Schema

from elicense.api import ApiError, ErrorOut
from licensing.services.subscriptions import subscribe_from_last_bulk_check

router = Router(tags=["证照变更推送"])


class BulkSubscriptionOut(Schema):
    bulk_check_id: int
    added: int
    total: int


@router.post(
    "/subscriptions/from-last-bulk-check",
    response={200: BulkSubscriptionOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="订阅最近一次批量资质审查中的全部在册主体",
)
def subscribe_from_bulk_check(request):
    try:
        check, added = subscribe_from_last_bulk_check(acting_user=None, party=request.auth)
    except ValidationError as error:
        raise ApiError(404, "not_found", error.messages[0]) from error
    return {
        "bulk_check_id": check.pk,
        "added": added,
        "total": request.auth.subscriptions.count(),
    }
