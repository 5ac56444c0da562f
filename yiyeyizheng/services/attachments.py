"""Uploading and removing application attachments: type by content, size bounded."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from portal.audit import record_event
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import Attachment, AttachmentPurpose
from yiyeyizheng.services.applications import _require_editable, lock, require_applicant

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(upload) -> str | None:
    """The content type by the file's first bytes (PDF, JPEG, PNG), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def check_upload(upload) -> str:
    limit = settings.YIYEYIZHENG_ATTACHMENT_MAX_BYTES
    if upload is None or not upload.size:
        raise ValidationError({"file": "请选择要上传的文件。"})
    if upload.size > limit:
        raise ValidationError(
            {"file": f"文件过大：上限 {limit // (1024 * 1024)} MB，请压缩后再上传。"}
        )
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError({"file": "只接受 PDF、JPEG 或 PNG 文件（按文件内容识别）。"})
    return content_type


@transaction.atomic
def add_attachment(*, acting_user, application, purpose: str, upload) -> Attachment:
    """Store an attachment under MEDIA_ROOT with a random name; nothing is written when the
    file is refused."""
    application = lock(application)
    require_applicant(acting_user, application.entity_uscc)
    _require_editable(application)
    if purpose not in AttachmentPurpose.values or purpose == AttachmentPurpose.SCANNED_LICENCE:
        raise ValidationError({"purpose": "请选择材料类型。"})
    content_type = check_upload(upload)
    attachment = Attachment(
        application=application,
        purpose=purpose,
        original_name=(upload.name or "")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_ATTACHMENT_ADDED,
        obj=application,
        changes={"purpose": purpose, "name": attachment.original_name, "size": upload.size},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, acting_user, attachment: Attachment) -> None:
    """Remove an attachment of a draft or returned application (the file goes too)."""
    application = lock(attachment.application)
    require_applicant(acting_user, application.entity_uscc)
    _require_editable(application)
    if attachment.purpose == AttachmentPurpose.SCANNED_LICENCE:
        raise ValidationError("窗口扫码存档的营业执照是办件记录，不能删除。")
    record_event(
        actor=acting_user,
        action=YiyeyizhengAction.YYZ_APPLICATION_ATTACHMENT_REMOVED,
        obj=application,
        changes={"purpose": attachment.purpose, "name": attachment.original_name},
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
