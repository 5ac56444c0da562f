"""Relying parties (应用接入单位): platforms and government systems using the API."""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import FSMField, transition

#: 附件1's commitment, word for word; the applicant ticks it and it is kept with the form.
COMMITMENT = (
    "本单位申请接入省级电子营业执照验证平台（或国家市场监督管理总局电子营业执照验证平台），"
    "并承诺遵守《电子营业执照管理办法（试行）》相关规定，此表所填写内容真实有效。"
)
#: 附件1's instruction for the matter tree, word for word.
MATTER_TREE_HELP = (
    "请按（电子政务/电子商务）-（行业）-（事项）顺序，填写授权事项目录树。"
    "如：（电子政务）-（市场监管）-（动产抵押）。"
)
MATTER_ROOTS = ("电子政务", "电子商务")
#: 附件2's four 应用功能 columns, in the form's order.
SCENARIO_FUNCTIONS = ("线上扫码登录", "线下出示执照", "电子签名", "其他")
_MATTER_PART = re.compile(r"[（(]\s*([^（）()]+?)\s*[）)]")


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


def parse_matter_tree(text: str) -> list[str]:
    """附件1's 授权事项目录树 as written, one matter a line: （电子政务）-（市场监管）-（动产抵押）,
    or 电子政务-市场监管-动产抵押 / 电子政务/市场监管/动产抵押. Returns the matter paths
    (电子政务/市场监管/动产抵押); raises a ValidationError naming the line otherwise."""
    paths = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = _MATTER_PART.findall(line)
        if not parts:
            parts = [part.strip() for part in re.split(r"\s*[-－—/／]\s*", line)]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(
                f"授权事项目录树第{number}行应为（电子政务/电子商务）-（行业）-（事项）三级。"
            )
        if parts[0] not in MATTER_ROOTS:
            raise ValidationError(f"授权事项目录树第{number}行的第一级应为“电子政务”或“电子商务”。")
        paths.append("/".join(parts))
    return paths


def stamped_scan_path(instance, filename):
    """A random name: the upload's own name is never used."""
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        instance.stamped_scan_type, ""
    )
    return f"elicense/access/{secrets.token_hex(12)}{suffix}"


class RelyingPartyStatus(models.TextChoices):
    PENDING = "pending", "待受理"
    ACCEPTED = "accepted", "已受理"
    GUIDED = "guided", "业务指导部门已签字"
    APPROVED = "approved", "已接入"
    REJECTED = "rejected", "已驳回"
    SUSPENDED = "suspended", "已停用"


class RelyingPartyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Access applications: to those who accept and sign them off; nobody else."""
        from portal.permissions import allows

        return self if allows(user, "elicense.review_access") else self.none()


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
    #: 附件1: 年验证量 is asked in 万次/年; stored in that unit, four decimals so that any
    #: whole number of verifications (the old 次/年 column) converts without loss.
    yearly_volume_10k = models.DecimalField("年验证量（万次/年）", max_digits=12, decimal_places=4)
    peak_qps = models.PositiveIntegerField("验证峰值（次/秒）")
    matter_tree = models.TextField("授权事项目录树", blank=True, help_text=MATTER_TREE_HELP)
    scenarios = models.JSONField(
        "应用场景清单", default=list, blank=True,
        help_text="附件2：[{应用事项名称, 实施部门, 办事系统, 应用功能: [...], 备注}]",
    )  # fmt: skip
    committed = models.BooleanField("承诺", default=False, help_text=COMMITMENT)
    applicant_signatory = models.CharField("申请人（签字）", max_length=50, blank=True)
    sealing_unit = models.CharField("申请单位（盖章）", max_length=100, blank=True)
    signed_on = models.DateField("日期", null=True, blank=True)
    stamped_scan = models.FileField("加盖单位公章扫描件", upload_to=stamped_scan_path, blank=True)
    stamped_scan_type = models.CharField("扫描件类型", max_length=40, blank=True)
    tech_service_unit = models.CharField("技术服务单位", max_length=100, blank=True)
    tech_service_signatory = models.CharField("技术服务方（签字）", max_length=50, blank=True)
    tech_service_signed_on = models.DateField("技术服务方签字日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人（签字）", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    acceptance_opinion = models.CharField("市场监管部门受理意见", max_length=200, blank=True)
    guidance_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="业务指导部门（签字）", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    guidance_signed_at = models.DateTimeField("业务指导部门签字时间", null=True, blank=True)
    guidance_opinion = models.CharField("业务指导部门意见", max_length=200, blank=True)
    status = FSMField(
        "状态", default=RelyingPartyStatus.PENDING, choices=RelyingPartyStatus.choices
    )
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="系统运维部门（签字）", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
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

    objects = RelyingPartyQuerySet.as_manager()

    class Meta:
        verbose_name = "应用接入单位"
        verbose_name_plural = "应用接入单位"
        ordering = ["-applied_at"]

    def __str__(self):
        return f"{self.org_name} · {self.system_name}"

    @property
    def operations_signed(self) -> bool:
        """系统运维部门 signed: connected, or connected and since suspended."""
        return self.status in (RelyingPartyStatus.APPROVED, RelyingPartyStatus.SUSPENDED)

    @property
    def is_rejected(self) -> bool:
        return self.status == RelyingPartyStatus.REJECTED

    @property
    def has_key(self) -> bool:
        return bool(self.api_key_hash)

    # --- what the guards read -----------------------------------------------------------
    def is_signed_by_applicant(self) -> bool:
        """附件1's applicant block: the commitment ticked, signed, sealed, the stamped scan."""
        return bool(
            self.committed and self.applicant_signatory and self.sealing_unit and self.stamped_scan
        )

    def may_accept(self, user) -> bool:
        from elicense.permissions import may_accept_access

        return may_accept_access(user)

    def may_sign_guidance(self, user) -> bool:
        from elicense.permissions import may_sign_off_guidance

        return may_sign_off_guidance(user)

    def may_sign_operations(self, user) -> bool:
        """The operations department, and not the person who signed for guidance: two
        departments sign, so two people."""
        from elicense.permissions import may_sign_off_operations

        return may_sign_off_operations(user) and user.pk != self.guidance_signed_by_id

    def may_reject(self, user) -> bool:
        return (
            self.may_accept(user) or self.may_sign_guidance(user) or self.may_sign_operations(user)
        )

    # --- transitions: 受理, then 业务指导部门 and 系统运维部门 (附件1's blocks in order) -----
    @transition(
        field=status, source=RelyingPartyStatus.PENDING, target=RelyingPartyStatus.ACCEPTED,
        conditions=[is_signed_by_applicant], permission=may_accept,
    )  # fmt: skip
    def accept(self, *, by, at, opinion=""):
        """受理信息: the market-regulation bureau accepts the application for review."""
        self.accepted_by, self.accepted_at, self.acceptance_opinion = by, at, opinion

    @transition(
        field=status, source=RelyingPartyStatus.ACCEPTED, target=RelyingPartyStatus.GUIDED,
        conditions=[is_signed_by_applicant], permission=may_sign_guidance,
    )  # fmt: skip
    def sign_guidance(self, *, by, at, opinion=""):
        """业务指导部门（签字）: the business side agrees to the use."""
        self.guidance_signed_by, self.guidance_signed_at, self.guidance_opinion = by, at, opinion

    @transition(
        field=status, source=RelyingPartyStatus.GUIDED, target=RelyingPartyStatus.APPROVED,
        conditions=[is_signed_by_applicant], permission=may_sign_operations,
    )  # fmt: skip
    def sign_operations(self, *, by, at, opinion=""):
        """系统运维部门（签字）: connected; the service issues the key."""
        self.decided_by, self.decided_at, self.decision_reason = by, at, opinion

    @transition(
        field=status,
        source=[RelyingPartyStatus.PENDING, RelyingPartyStatus.ACCEPTED, RelyingPartyStatus.GUIDED],
        target=RelyingPartyStatus.REJECTED, permission=may_reject,
    )  # fmt: skip
    def reject(self, *, by, at, reason):
        """The bureau at 受理 or either department refused the application, with a reason."""
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(
        field=status, source=RelyingPartyStatus.APPROVED, target=RelyingPartyStatus.SUSPENDED
    )
    def suspend(self, *, by, at, reason):
        """Access withdrawn: the key is revoked."""
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason
