"""照面信息获取 (济宁通知 二（二）2): a presented licence fills a form's entity fields.

"企业办理业务需要采集营业执照照面信息时，可以通过自行扫码登录或线下窗口扫码枪扫描后从电子
营业执照中直接获取照面信息，减少人工录入操作，提高数据准确性。" One door for every form that
asks for an entity (entity change, the 一业一证 window, the supplier list): whatever was
scanned goes through the one verification service (logged as channel ``face_read``), and
only a valid business licence gives its face; each reading is audited as a scan.
"""

from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from elicense.audit import ElicenseAction
from elicense.models import CertificateKind
from elicense.permissions import require
from elicense.verification import verify_token
from portal.audit import record_event

#: The face fields a form may be filled with, and their labels on the licence.
FACE_FIELDS = {
    "uscc": "统一社会信用代码",
    "name": "名称",
    "legal_person_name": "法定代表人（负责人）",
    "address": "住所（经营场所）",
}


@dataclass(frozen=True)
class Face:
    uscc: str
    name: str
    legal_person_name: str
    address: str

    def as_dict(self) -> dict:
        return asdict(self)


def read_face(*, acting_user, token: str, purpose: str, expected_uscc: str = "") -> Face:
    """Verify what was scanned (a presentation code is redeemed once) and return the face of
    the business licence it shows. ``purpose`` names the form (for the audit trail);
    ``expected_uscc``, when the form is about one entity, refuses another's licence.

    Raises ValidationError with the verification's Chinese message when the scan is not a
    valid business licence. The verification is logged (and a code redeemed) whatever comes
    of it, outside any transaction of ours: a refused scan is still a scan on record. A
    given face writes ``certificate.face_read``.
    """
    require(acting_user, "elicense.read_face")
    outcome = verify_token(
        token, channel="face_read", verifier=acting_user, verifier_label=str(acting_user)
    )
    if not outcome.ok:
        raise ValidationError(outcome.message)
    certificate = outcome.certificate
    if certificate is None or certificate.kind != CertificateKind.BUSINESS_LICENCE:
        raise ValidationError("请扫描电子营业执照（出示码、亮照二维码或打印件二维码）。")
    face = certificate.face
    if expected_uscc and certificate.holder_uscc != expected_uscc:
        raise PermissionDenied(f"扫描的是“{face.get('name', '')}”的营业执照，不是本次办理的主体。")
    result = Face(
        uscc=certificate.holder_uscc,
        name=face.get("name", certificate.holder_name),
        legal_person_name=face.get("legal_person_name", ""),
        address=face.get("address", ""),
    )
    with transaction.atomic():
        record_event(
            actor=acting_user,
            action=ElicenseAction.CERTIFICATE_FACE_READ,
            obj=certificate,
            changes={"purpose": purpose[:100], "uscc": result.uscc, "result": outcome.result},
        )
    return result
