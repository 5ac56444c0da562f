"""The register's part of the verification API: a holder's licences by USCC."""

from django.core.exceptions import ValidationError
from ninja import Router, Schema

from elicense.api import ApiError, CertificateOut, ErrorOut, certificate_out
from elicense.models import Certificate, CertificateKind
from elicense.verification import check_certificate, live_result
from licensing.models import MarketEntity
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
    """The holder's current certificates with live status; logged in its 查验记录."""
    party = request.auth
    try:
        uscc = validate_uscc(uscc)
    except ValidationError as error:
        raise ApiError(422, "invalid_uscc", error.messages[0]) from error
    if party.verification_range == "province" and uscc[2:4] != HOME_DIVISION_PREFIX:
        raise ApiError(403, "forbidden", "该代码不在贵单位申请的本省验证范围内。")
    entity = MarketEntity.objects.filter(uscc=uscc).first()
    certificates = list(Certificate.objects.shown_for_holder(uscc))
    if entity is None or not certificates:
        raise ApiError(404, "not_found", "未找到该主体的电子证照。")
    main = next(
        (c for c in certificates if c.kind == CertificateKind.BUSINESS_LICENCE), certificates[0]
    )
    check_certificate(main, channel="api", verifier_label=party.org_name, relying_party=party)
    return {
        "uscc": uscc,
        "name": entity.name,
        "status": entity.status,
        "certificates": [certificate_out(c, live_result(c)) for c in certificates],
    }
