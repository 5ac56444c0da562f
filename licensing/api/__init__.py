"""The register's part of the verification API: a holder's licences by USCC."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Router, Schema, Status, UploadedFile

from elicense.api import ApiError, CertificateOut, ErrorOut
from elicense.models import CertificateKind
from elicense.services.documents import holder_page_url
from elicense.verification import check_certificate, live_result
from licensing.models import BulkCheck, BulkCheckStatus
from licensing.queries.holders import holder_licences
from licensing.services import create_bulk_check
from portal import tabular
from portal.idempotency import (
    REPLAYED_HEADER,
    IdempotencyKeyError,
    api_idempotency_key,
    fingerprint,
    run_once,
)
from portal.identifiers import validate_uscc

#: Division codes of the portal's own province: a "本省" party sees only these.
HOME_DIVISION_PREFIX = "31"


class LicencesOut(Schema):
    uscc: str
    name: str
    status: str
    certificates: list[CertificateOut]


router = Router(tags=["证照查询"])


@router.get(
    "/licences/{uscc}",
    response={200: LicencesOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut,
              429: ErrorOut},
    summary="按统一社会信用代码查询营业执照及联动的食品经营许可证",
)  # fmt: skip
def licences(request, uscc: str):
    """The holder's current certificates with live status; logged in its 查验记录.

    The answer is built directly as JSON (ADR 0024): its shape is ``LicencesOut``'s, which
    documents it, and tests check that every answer validates to itself through it."""
    party = request.auth
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as error:
        raise ApiError(422, "invalid_uscc", error.messages[0]) from error
    if party.verification_range == "province" and uscc[2:4] != HOME_DIVISION_PREFIX:
        raise ApiError(403, "forbidden", "该代码不在贵单位申请的本省验证范围内。")
    holder = holder_licences(uscc)
    if holder is None or not holder.certificates:
        raise ApiError(404, "not_found", "未找到该主体的电子证照。")
    certificates = holder.certificates
    main = next(
        (c for c in certificates if c.kind == CertificateKind.BUSINESS_LICENCE), certificates[0]
    )
    today = timezone.localdate()
    check_certificate(
        main, channel="api", verifier_label=party.org_name, relying_party=party, today=today
    )
    verify_url = holder_page_url()
    body = {
        "uscc": uscc,
        "name": holder.name,
        "status": holder.status,
        "certificates": [
            {
                "kind": c.kind,
                "number": c.number,
                "status": live_result(c, today=today).value,
                "holder_uscc": c.holder_uscc,
                "holder_name": c.holder_name,
                "valid_from": c.valid_from.isoformat(),
                "valid_to": c.valid_to.isoformat() if c.valid_to else None,
                "verify_url": verify_url.format(public_id=c.public_id),
            }
            for c in certificates
        ],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json; charset=utf-8",
    )


class BulkCheckOut(Schema):
    id: int
    status: str
    total_rows: int
    done_rows: int
    progress: int
    summary: dict
    error: str


def _bulk_out(check: BulkCheck) -> dict:
    return {
        "id": check.pk,
        "status": check.status,
        "total_rows": check.total_rows,
        "done_rows": check.done_rows,
        "progress": check.progress,
        "summary": check.summary,
        "error": check.error,
    }


def _own_check(request, check_id: int) -> BulkCheck:
    check = BulkCheck.objects.filter(pk=check_id, relying_party=request.auth).first()
    if check is None:
        raise ApiError(404, "not_found", "没有这个批量审查任务。")
    return check


@router.post(
    "/bulk-checks",
    response={202: BulkCheckOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="上传商户清单进行批量资质审查",
)
def bulk_check_create(request, response: HttpResponse, file: File[UploadedFile]):
    """CSV (UTF-8, UTF-8 BOM, GB18030) or .xlsx; columns 统一社会信用代码、名称、
    食品经营许可证编号、经营场所; up to 100,000 rows.

    With an ``Idempotency-Key`` header, a repeat with the same key and file answers the
    first task again (header ``Idempotent-Replayed: true``) instead of starting another;
    the same key with another file is 422 ``idempotency_key_reused``."""
    name = file.name or "upload.csv"
    try:
        data = tabular.upload_bytes(file, max_bytes=settings.BULK_CHECK_MAX_BYTES)
        once = run_once(
            owner=f"party:{request.auth.pk}",
            key=api_idempotency_key(request),
            action="licensing.bulk_check.create",
            digest=fingerprint(name, data),
            create=lambda: create_bulk_check(file_name=name, data=data, relying_party=request.auth),
            result=_bulk_out,
        )
    except IdempotencyKeyError as error:
        raise ApiError(422, error.code, error.messages[0]) from error
    except ValidationError as error:
        raise ApiError(422, "invalid_file", " ".join(error.messages)) from error
    if once.replayed:
        response[REPLAYED_HEADER] = "true"
    return Status(202, once.result)


@router.get(
    "/bulk-checks/{check_id}",
    response={200: BulkCheckOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="批量审查进度",
)
def bulk_check_status(request, check_id: int):
    return _bulk_out(_own_check(request, check_id))


@router.get(
    "/bulk-checks/{check_id}/result",
    response={401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="下载审查结果（.xlsx）",
)
def bulk_check_result(request, check_id: int):
    check = _own_check(request, check_id)
    if check.status != BulkCheckStatus.DONE:
        raise ApiError(409, "not_ready", f"任务{check.get_status_display()}，结果尚未生成。")
    return xlsx_response(check)


def xlsx_response(check: BulkCheck) -> HttpResponse:
    response = HttpResponse(
        bytes(check.result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bulk-check-{check.pk}.xlsx"'
    return response
