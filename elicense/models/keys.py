"""The issuer's signing keys: Ed25519, and SM2 beside it (ADR 0023)."""

from django.db import models
from django.db.models import Q


class SigningKeyStatus(models.TextChoices):
    ACTIVE = "active", "签发中"
    RETIRED = "retired", "已停用（仅验证）"
    DISTRUSTED = "distrusted", "已失信（不再验证）"


class KeyAlgorithm(models.TextChoices):
    ED25519 = "ed25519", "Ed25519"
    SM2 = "sm2", "SM2（SM3）"
    # for connected systems whose OpenID Connect library lacks EdDSA (ADR 0025): ID tokens only
    RSA = "rsa", "RSA-2048（RS256）"
    P256 = "p256", "ECDSA P-256（ES256）"


class SigningKeyQuerySet(models.QuerySet):
    def published(self, algorithm=KeyAlgorithm.ED25519):
        """Every key of ``algorithm`` that still verifies: the active one and the retired ones
        (a distrusted key verifies nothing)."""
        return (
            self.filter(algorithm=algorithm)
            .exclude(status=SigningKeyStatus.DISTRUSTED)
            .order_by("-created_at")
        )

    def active(self, algorithm=KeyAlgorithm.ED25519):
        return self.filter(algorithm=algorithm, status=SigningKeyStatus.ACTIVE)


class SigningKey(models.Model):
    """A key pair of the issuer, identified by ``kid`` in every JWS header.

    Ed25519 private keys are stored as encrypted PKCS#8 PEM, SM2 ones as SM4-GCM sealed
    PKCS#8 DER (``elicense.sm``), both under ``ELICENSE_KEY_PASSPHRASE``; retired keys no
    longer sign but still verify. One key per algorithm is active.
    """

    kid = models.CharField("密钥标识", max_length=40, unique=True)
    algorithm = models.CharField(
        "算法", max_length=10, choices=KeyAlgorithm.choices, default=KeyAlgorithm.ED25519
    )
    public_key = models.CharField("公钥（base64url）", max_length=600)
    encrypted_private_key = models.TextField("私钥（加密存储）")
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
                fields=["algorithm"],
                condition=Q(status="active"),
                name="one_active_signing_key_per_algorithm",
            )
        ]

    def __str__(self):
        return f"{self.kid}（{self.get_status_display()}）"
