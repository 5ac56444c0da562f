"""Attachments (申请材料) of an application: private files under MEDIA_ROOT."""

import secrets

from django.conf import settings
from django.db import models

from yiyeyizheng.models.applications import Application, AttachmentPurpose

SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def attachment_path(instance, filename):
    """A random name under the application's folder: the upload's own name is never used."""
    suffix = SUFFIXES.get(instance.content_type, "")
    return f"yiyeyizheng/{instance.application.number}/{secrets.token_hex(8)}{suffix}"


class Attachment(models.Model):
    """An uploaded document (PDF, JPEG or PNG, checked by content), private to the case."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField("材料类型", max_length=20, choices=AttachmentPurpose.choices)
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["application_id", "uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_purpose_display()}：{self.original_name}"


class LicenceFiling(models.Model):
    """执照存档: a licence the window scanned and found valid, filed with an application.

    Records the check it came from as the verification log has it (查验编号, time, clerk,
    verdict) and the certificate version (number, public id, issue time); the PDF copy is
    the ``attachment``, set when the copy is ready (at once, or by a task through the
    outbox). One filing per check and application, whoever posts it twice.
    """

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="licence_filings"
    )
    attachment = models.OneToOneField(
        Attachment, verbose_name="执照PDF", on_delete=models.PROTECT, null=True, blank=True,
        related_name="licence_filing",
    )  # fmt: skip
    check_id = models.UUIDField("查验编号")
    checked_at = models.DateTimeField("查验时间")
    check_result = models.CharField("查验结果", max_length=30)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="查验人", on_delete=models.PROTECT, related_name="+"
    )
    verifier_label = models.CharField("查验方", max_length=150)
    certificate = models.ForeignKey(
        "elicense.Certificate", verbose_name="电子证照", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    certificate_kind = models.CharField("证照类型", max_length=30)
    certificate_number = models.CharField("证照编号", max_length=40)
    certificate_public_id = models.CharField("证照版本标识", max_length=24)
    certificate_issued_at = models.DateTimeField("版本签发时间")
    holder_name = models.CharField("持证主体名称", max_length=100)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="存档人", on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("存档时间")

    class Meta:
        verbose_name = "执照存档"
        verbose_name_plural = "执照存档"
        ordering = ["application_id", "filed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "check_id"], name="licence_filing_once_per_check"
            )
        ]

    def __str__(self):
        return f"{self.certificate_number}（查验 {self.check_id}）"
