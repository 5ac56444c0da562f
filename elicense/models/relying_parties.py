"""Relying parties (应用接入单位): platforms and government systems using the API."""

import hashlib

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition


def hash_api_key(key: str) -> str:
    """API keys are stored only as SHA-256 (they are long random strings, not passwords)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class OrgNature(models.TextChoices):
    GOVERNMENT = "government", "政府机关"
    INSTITUTION = "institution", "事业单位"
    SOCIAL = "social", "社会团体"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他"


class Need(models.TextChoices):
    PRESENTATION = "presentation", "电子营业执照出示验证"
    LOGIN = "login", "用户登录"
    SIGNATURE = "signature", "电子签名"
    OTHER = "other", "其他"


class Channel(models.TextChoices):
    PC = "pc", "PC端应用"
    APP = "app", "业务APP"
    WECHAT_MINI = "wechat_mini", "微信小程序"
    ALIPAY_MINI = "alipay_mini", "支付宝小程序"
    WECHAT_OA = "wechat_oa", "微信公众号"
    ALIPAY_LIFE = "alipay_life", "支付宝生活号"


class VerificationRange(models.TextChoices):
    PROVINCE = "province", "本省范围电子营业执照"
    NATIONAL = "national", "全国范围电子营业执照"


class RelyingPartyStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已接入"
    REJECTED = "rejected", "已驳回"
    SUSPENDED = "suspended", "已停用"


class RelyingParty(models.Model):
    """An organisation's system connected to the verification API (济宁附件1 fields)."""

    org_name = models.CharField("机构名称", max_length=100)
    org_nature = models.CharField("机构性质", max_length=20, choices=OrgNature.choices)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, help_text="命令行创建的单位可空。"
    )
    address = models.CharField("通信地址", max_length=200)
    contact_name = models.CharField("联系人姓名", max_length=50)
    contact_position = models.CharField("部门及职务", max_length=100)
    contact_phone = models.CharField("联系电话", max_length=30)
    contact_email = models.EmailField("电子邮件")
    system_name = models.CharField("应用系统名称", max_length=100)
    system_endpoint = models.CharField("域名（IP）及端口", max_length=200)
    business_summary = models.TextField("所属领域、行业、业务种类简介")
    needs = models.JSONField("应用需求", default=list)
    verification_range = models.CharField(
        "验证范围", max_length=20, choices=VerificationRange.choices
    )
    channels = models.JSONField("应用方式", default=list)
    yearly_volume = models.PositiveIntegerField("年验证量（次/年）")
    peak_qps = models.PositiveIntegerField("验证峰值（次/秒）")
    matters = models.ManyToManyField("elicense.Matter", verbose_name="授权事项目录树", blank=True)
    scenarios = models.JSONField(
        "应用场景清单", default=list, blank=True,
        help_text="附件2：[{事项名称, 实施部门, 办事系统, 应用功能}]",
    )  # fmt: skip
    status = FSMField(
        "状态", default=RelyingPartyStatus.PENDING, choices=RelyingPartyStatus.choices
    )
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    decision_reason = models.CharField("审核意见", max_length=200, blank=True)
    require_sm2 = models.BooleanField(
        "要求SM2签名",
        default=False,
        help_text="开启后，该机构核验的签名令牌必须带有有效的SM2签名（ADR 0023）。",
    )
    api_key_hash = models.CharField("接口密钥摘要", max_length=64, blank=True, db_index=True)
    api_key_prefix = models.CharField("接口密钥前缀", max_length=12, blank=True)
    api_key_issued_at = models.DateTimeField("密钥签发时间", null=True, blank=True)
    city_wide_changes = models.BooleanField(
        "接收全市证照变更", default=False, help_text="否：只接收已订阅主体的变更。"
    )

    class Meta:
        verbose_name = "应用接入单位"
        verbose_name_plural = "应用接入单位"
        ordering = ["-applied_at"]

    def __str__(self):
        return f"{self.org_name} · {self.system_name}"

    @property
    def has_key(self) -> bool:
        return bool(self.api_key_hash)

    @transition(field=status, source=RelyingPartyStatus.PENDING, target=RelyingPartyStatus.APPROVED)
    def approve(self, *, by, at, reason=""):
        """An administrator accepted the application; the service issues the key."""
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(field=status, source=RelyingPartyStatus.PENDING, target=RelyingPartyStatus.REJECTED)
    def reject(self, *, by, at, reason):
        """An administrator refused the application, with a reason."""
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(
        field=status, source=RelyingPartyStatus.APPROVED, target=RelyingPartyStatus.SUSPENDED
    )
    def suspend(self, *, by, at, reason):
        """Access withdrawn: the key is revoked."""
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason
