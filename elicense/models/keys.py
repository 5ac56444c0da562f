"""The issuer's Ed25519 signing keys."""

from django.db import models
from django.db.models import Q


class SigningKeyStatus(models.TextChoices):
    ACTIVE = "active", "签发中"
    RETIRED = "retired", "已停用（仅验证）"


class SigningKeyQuerySet(models.QuerySet):
    def published(self):
        """Every key that still verifies: the active one and the retired ones."""
        return self.order_by("-created_at")


class SigningKey(models.Model):
    """An Ed25519 key pair of the issuer, identified by ``kid`` in every JWS header.

    The private key is stored as encrypted PKCS#8 PEM (passphrase from
    ``ELICENSE_KEY_PASSPHRASE``); retired keys no longer sign but still verify.
    """

    kid = models.CharField("密钥标识", max_length=40, unique=True)
    public_key = models.CharField("公钥（base64url）", max_length=64)
    encrypted_private_key = models.TextField("私钥（加密PEM）")
    status = models.CharField(
        "状态", max_length=10, choices=SigningKeyStatus.choices, default=SigningKeyStatus.ACTIVE
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "签发密钥"
        verbose_name_plural = "签发密钥"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="one_active_signing_key"
            )
        ]

    def __str__(self):
        return f"{self.kid}（{self.get_status_display()}）"
