"""Presentation codes (出示码): short, one-time, bound to the holder and the presenter."""

import hashlib

from django.conf import settings
from django.db import models

#: Crockford's base32 without I, L, O, U: inside the QR alphanumeric set, easy on the eye.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20


def hash_code(code: str) -> str:
    """Codes are stored only as SHA-256: a copy of the table presents nothing."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


class PresentationCode(models.Model):
    """A code the enterprise shows as a QR; redeemed once by a clerk or a platform."""

    code_hash = models.CharField("出示码摘要", max_length=64, unique=True)
    holder_uscc = models.CharField("持证主体", max_length=18, db_index=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="出示人", on_delete=models.PROTECT, related_name="+"
    )
    authorisation = models.ForeignKey(
        "elicense.Authorisation",
        verbose_name="依据授权",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    redeemed_at = models.DateTimeField("查验时间", null=True, blank=True)
    redeemed_by_label = models.CharField("查验方", max_length=150, blank=True)

    class Meta:
        verbose_name = "出示码"
        verbose_name_plural = "出示码"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.holder_uscc} {self.created_at:%H:%M:%S}"
