"""执照存档: the window files a licence it scanned and found valid with an application.

The form names only the check (查验编号); everything else is read back from the verification
log (``elicense.queries.verifications``): whose check it was, when, its verdict, and which
certificate version. The PDF copy is the one the enterprise prints
(``elicense.services.documents``): copied into the application's attachments at once when
it is rendered, otherwise by ``yiyeyizheng.tasks.attach_filed_licence`` through the outbox
(ADR 0014), so a filing is never lost to a broker outage and never waits on WeasyPrint.
"""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from elicense.queries.verifications import SCANNED_CERTIFICATE_HOURS, logged_check
from elicense.services.documents import (
    pdf_ready,
    read_certificate_pdf,
    render_certificate_pdf,
)
from elicense.verification import live_result
from portal import outbox
from portal.audit import record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import Attachment, AttachmentPurpose, LicenceFiling
from yiyeyizheng.models.applications import OPEN_STATUSES
from yiyeyizheng.services.applications import lock

ATTACH_TASK = "yiyeyizheng.tasks.attach_filed_licence"

NOT_LOGGED = (
    "没有找到您的这次查验记录：如果刚刚扫码，记录可能仍在写入，请几秒后再试；否则请重新扫码查验。"
)


def _checked(application, check_id, acting_user):
    """The check as logged, if it may be filed with ``application``; else ValidationError."""
    check = logged_check(check_id, verifier=acting_user)
    if check is None:
        raise ValidationError(NOT_LOGGED)
    if check.channel != "clerk_scan" or check.certificate is None:
        raise ValidationError("只有窗口扫码查验的证照可以存档。")
    if check.result != "valid":
        raise ValidationError(f"这次查验的结果是“{check.result_label}”，不能存档。")
    if not check.is_recent:
        raise ValidationError(
            f"这次查验已超过{SCANNED_CERTIFICATE_HOURS}小时，请重新扫码查验后再存档。"
        )
    if check.holder_uscc != application.entity_uscc:
        raise ValidationError(
            f"这次查验的证照属于“{check.certificate.holder_name}”，"
            f"不是申请{application.number}的申请人“{application.entity_name}”。"
        )
    now_result = live_result(check.certificate)
    if now_result != "valid":
        raise ValidationError(
            f"该证照查验后状态已变为“{now_result.label}”，不能存档，请核实后重新扫码。"
        )
    return check


@transaction.atomic
def file_scanned_licence(*, acting_user, application, check_id) -> LicenceFiling:
    """File the licence of a valid window scan with an open application of the clerk's
    district; the same check filed twice with the same application is one filing."""
    try:
        check_id = uuid.UUID(str(check_id))
    except ValueError:
        raise ValidationError("查验编号无效，请重新扫码查验。") from None
    application = lock(application)
    if not application.is_clerk_of(acting_user):
        raise PermissionDenied("只有受理该申请的区窗口人员可以存档。")
    existing = LicenceFiling.objects.filter(application=application, check_id=check_id).first()
    if existing is not None:
        return existing
    if application.status not in OPEN_STATUSES:
        raise ValidationError(
            f"申请{application.number}{application.get_status_display()}，不能再存档。"
        )
    check = _checked(application, check_id, acting_user)
    certificate = check.certificate
    filing = LicenceFiling.objects.create(
        application=application,
        check_id=check.check_id,
        checked_at=check.checked_at,
        check_result=check.result,
        verifier=acting_user,
        verifier_label=check.verifier_label,
        certificate=certificate,
        certificate_kind=certificate.kind,
        certificate_number=certificate.number,
        certificate_public_id=certificate.public_id,
        certificate_issued_at=certificate.issued_at,
        holder_name=certificate.holder_name,
        filed_by=acting_user,
        filed_at=timezone.now(),
    )
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_LICENCE_FILED,
        obj=application,
        changes={
            "check_id": str(check.check_id),
            "checked_at": check.checked_at.isoformat(),
            "result": check.result,
            "certificate_number": certificate.number,
            "certificate_version": certificate.public_id,
        },
    )
    if pdf_ready(certificate):
        _attach(filing)
    else:
        outbox.enqueue(ATTACH_TASK, filing.pk)
    return filing


def _attach(filing: LicenceFiling) -> Attachment:
    certificate = filing.certificate
    data = read_certificate_pdf(certificate)
    name = f"{certificate.get_kind_display()}-{certificate.number}.pdf"
    attachment = Attachment(
        application=filing.application,
        purpose=AttachmentPurpose.SCANNED_LICENCE,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        uploaded_by=filing.filed_by,
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    filing.attachment = attachment
    filing.save(update_fields=["attachment"])
    return attachment


def attach_filed_licence(*, filing_id: int) -> int | None:
    """Complete a filing whose PDF was not ready: render it (idempotent) and attach it.

    Safe to run twice: the filing row is locked, and a filing with its attachment is left
    alone. Returns the attachment's id."""
    filing = LicenceFiling.objects.select_related("certificate").get(pk=filing_id)
    if filing.attachment_id is None:
        render_certificate_pdf(certificate_id=filing.certificate_id)  # outside the lock
    with transaction.atomic():
        filing = (
            LicenceFiling.objects.select_for_update()
            .select_related("certificate", "application", "filed_by")
            .get(pk=filing_id)
        )
        if filing.attachment_id is None:
            _attach(filing)
    return filing.attachment_id
