"""Entity signing keys and electronically signed documents (电子签名)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from elicense.models.keys import KeyAlgorithm, SigningKeyStatus


class EntityKey(models.Model):
    """A market entity's own key pair (Ed25519, or SM2); the private half is encrypted at rest."""

    holder_uscc = models.CharField("主体统一社会信用代码", max_length=18, db_index=True)
    kid = models.CharField("密钥标识", max_length=60, unique=True)
    algorithm = models.CharField(
        "算法", max_length=10, choices=KeyAlgorithm.choices, default=KeyAlgorithm.ED25519
    )
    public_key = models.CharField("公钥（base64url）", max_length=100)
    encrypted_private_key = models.TextField("私钥（加密存储）")
    status = models.CharField(
        "状态", max_length=10, choices=SigningKeyStatus.choices, default=SigningKeyStatus.ACTIVE
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "主体签名密钥"
        verbose_name_plural = "主体签名密钥"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder_uscc", "algorithm"],
                condition=Q(status="active"),
                name="one_active_entity_key_per_algorithm",
            )
        ]

    def __str__(self):
        return f"{self.kid}（{self.get_status_display()}）"


def new_document_id() -> str:
    return secrets.token_urlsafe(12)


class SignedDocument(models.Model):
    """Business data an enterprise user signed as canonical JSON (RFC 8785).

    ``signature`` is a JWS with a detached, unencoded payload (RFC 7797): the signed
    bytes are exactly the canonical JSON of ``data``.
    """

    public_id = models.CharField("公开标识", max_length=24, unique=True, default=new_document_id)
    holder_uscc = models.CharField("签名主体", max_length=18, db_index=True)
    title = models.CharField("文件名称", max_length=100)
    matter = models.CharField("事项", max_length=200, blank=True)
    data = models.JSONField("签名数据")
    digest = models.CharField("规范化数据摘要（SHA-256）", max_length=64)
    signature = models.TextField("签名（JWS，分离载荷）")
    key = models.ForeignKey(EntityKey, verbose_name="签名密钥", on_delete=models.PROTECT)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签名人", on_delete=models.PROTECT, related_name="+"
    )
    authorisation = models.ForeignKey(
        "elicense.Authorisation", verbose_name="依据授权", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    signed_at = models.DateTimeField("签名时间", auto_now_add=True)

    class Meta:
        verbose_name = "电子签名文件"
        verbose_name_plural = "电子签名文件"
        ordering = ["-signed_at"]

    def __str__(self):
        return f"{self.title}（{self.holder_uscc}）"
