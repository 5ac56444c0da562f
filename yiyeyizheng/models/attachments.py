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
