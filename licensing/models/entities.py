"""Market entities (市场主体) and the USCC allowlist."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from portal.identifiers import normalise_identifier
from portal.permissions import is_bound_enterprise, is_district_clerk, is_district_reader


@dataclass(frozen=True)
class EntityTypeInfo:
    """How a type's licence face labels its fields (GB 32100 category included)."""

    person_label: str
    capital_label: str | None
    address_label: str
    uscc_category: str


class EntityType(models.TextChoices):
    """The SAMR market-entity types the register issues licences for."""

    LLC_NATURAL = "llc_natural", "有限责任公司（自然人投资或控股）"
    LLC_SOLE_NATURAL = "llc_sole_natural", "有限责任公司（自然人独资）"
    LLC_SOLE_CORPORATE = "llc_sole_corporate", "有限责任公司（非自然人投资或控股的法人独资）"
    LLC_STATE = "llc_state", "有限责任公司（国有独资）"
    LLC_FOREIGN = "llc_foreign", "有限责任公司（外国法人独资）"
    JSC_UNLISTED = "jsc_unlisted", "股份有限公司（非上市、自然人投资或控股）"
    JSC_LISTED = "jsc_listed", "股份有限公司（上市）"
    BRANCH = "branch", "有限责任公司分公司"
    SOLE_PROPRIETORSHIP = "sole_proprietorship", "个人独资企业"
    GENERAL_PARTNERSHIP = "general_partnership", "普通合伙企业"
    LIMITED_PARTNERSHIP = "limited_partnership", "有限合伙企业"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"

    @property
    def info(self) -> EntityTypeInfo:
        return ENTITY_TYPE_INFO[self]


_COMPANY = EntityTypeInfo("法定代表人", "注册资本", "住所", "1")
ENTITY_TYPE_INFO = {
    EntityType.LLC_NATURAL: _COMPANY,
    EntityType.LLC_SOLE_NATURAL: _COMPANY,
    EntityType.LLC_SOLE_CORPORATE: _COMPANY,
    EntityType.LLC_STATE: _COMPANY,
    EntityType.LLC_FOREIGN: _COMPANY,
    EntityType.JSC_UNLISTED: _COMPANY,
    EntityType.JSC_LISTED: _COMPANY,
    EntityType.BRANCH: EntityTypeInfo("负责人", None, "营业场所", "1"),
    EntityType.SOLE_PROPRIETORSHIP: EntityTypeInfo("投资人", "出资额", "住所", "1"),
    EntityType.GENERAL_PARTNERSHIP: EntityTypeInfo("执行事务合伙人", "出资额", "主要经营场所", "1"),
    EntityType.LIMITED_PARTNERSHIP: EntityTypeInfo("执行事务合伙人", "出资额", "主要经营场所", "1"),
    EntityType.INDIVIDUAL_BUSINESS: EntityTypeInfo("经营者", None, "经营场所", "2"),
    EntityType.COOPERATIVE: EntityTypeInfo("法定代表人", "成员出资总额", "住所", "3"),
}


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"


class MarketEntityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The entities ``user`` may read: own district, own entity, or all (city-wide)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_wide:
            return self.all()
        if is_district_reader(user):
            return self.filter(district_id=user.district_id)
        if is_bound_enterprise(user):
            return self.filter(uscc=user.entity_uscc)
        return self.none()

    def manageable_by(self, user):
        """The entities ``user`` may change: window clerks, in their own district."""
        if user.is_authenticated and is_district_clerk(user):
            return self.filter(district_id=user.district_id)
        return self.none()

    def search(self, text: str):
        """Match a USCC or a food-licence number exactly (normalised), else part of the name.

        Identifiers are told apart by shape, so each search is one indexed lookup or one
        name scan, never a join that needs DISTINCT.
        """
        text = (text or "").strip()
        upper = normalise_identifier(text)
        if not text:
            return self
        if len(upper) == 18 and upper.isascii() and upper.isalnum():
            return self.filter(uscc=upper)
        if len(upper) == 16 and upper.startswith("JY") and upper[2:].isdigit():
            from licensing.models.licences import FoodLicence

            holders = FoodLicence.objects.filter(number=upper).values("entity_id")
            return self.filter(pk__in=holders)
        return self.filter(name__contains=text)


class MarketEntity(models.Model):
    """A registered market entity and the current face data of its business licence.

    Every change of this row is made by a ``licensing.services`` function, which also
    issues the new ``BusinessLicence`` version that freezes the face data.
    """

    uscc = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("名称", max_length=100)
    entity_type = models.CharField("类型", max_length=30, choices=EntityType.choices)
    legal_person_name = models.CharField("法定代表人（负责人）", max_length=50)
    registered_capital = models.DecimalField(
        "注册资本（万元）", max_digits=14, decimal_places=4, null=True, blank=True
    )
    established_on = models.DateField("成立日期")
    operating_period_to = models.DateField("营业期限至", null=True, blank=True)
    address = models.CharField("住所（经营场所）", max_length=200)
    business_scope = models.TextField("经营范围")
    # No index of its own: the (district, …) indexes in ``Meta`` begin with it (ADR 0043).
    district = models.ForeignKey(
        "portal.District", verbose_name="所属区", on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )  # fmt: skip
    registration_authority = models.CharField("登记机关", max_length=60)
    registered_on = models.DateField("登记日期")
    status = FSMField("状态", default=EntityStatus.ACTIVE, choices=EntityStatus.choices)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    status_reason = models.CharField("状态变更原因", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MarketEntityQuerySet.as_manager()

    class Meta:
        verbose_name = "市场主体"
        verbose_name_plural = "市场主体"
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(
                fields=["district", "-registered_on", "-id"], name="entity_district_recent"
            ),
            models.Index(fields=["-registered_on", "-id"], name="entity_recent"),
        ]
        # Not the field's ``unique``, which adds a ``varchar_pattern_ops`` twin (ADR 0043).
        constraints = [
            models.UniqueConstraint(fields=["uscc"], name="licensing_marketentity_uscc_key")
        ]

    def __str__(self):
        return f"{self.name}（{self.uscc}）"

    @property
    def type_info(self) -> EntityTypeInfo:
        return EntityType(self.entity_type).info

    @property
    def operating_period_label(self) -> str:
        end = self.operating_period_to
        return f"{self.established_on:%Y年%m月%d日} 至 {f'{end:%Y年%m月%d日}' if end else '长期'}"

    def face_data(self) -> dict:
        """The licence face (照面信息) as it is frozen into each licence version."""
        info = self.type_info
        return {
            "uscc": self.uscc,
            "name": self.name,
            "entity_type": self.get_entity_type_display(),
            "person_label": info.person_label,
            "legal_person_name": self.legal_person_name,
            "capital_label": info.capital_label,
            "registered_capital": (
                f"{self.registered_capital.normalize():f}万元人民币"
                if info.capital_label and self.registered_capital is not None
                else None
            ),
            "established_on": self.established_on.isoformat(),
            "operating_period": self.operating_period_label,
            "address_label": info.address_label,
            "address": self.address,
            "business_scope": self.business_scope,
            "registration_authority": self.registration_authority,
            "registered_on": self.registered_on.isoformat(),
        }

    def is_active(self) -> bool:
        return self.status == EntityStatus.ACTIVE

    @transition(field=status, source=EntityStatus.ACTIVE, target=EntityStatus.CANCELLED)
    def cancel(self, *, on, reason):
        """注销: the entity ceases to exist; the service ends its licences."""
        self.status_changed_on, self.status_reason = on, reason

    @transition(field=status, source=EntityStatus.ACTIVE, target=EntityStatus.REVOKED)
    def revoke(self, *, on, reason):
        """吊销: the licence is withdrawn as a penalty; the service ends its licences."""
        self.status_changed_on, self.status_reason = on, reason


class UsccAllowlistEntry(models.Model):
    """An early pilot USCC that fails the GB 32100 checks but is genuinely in use."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    note = models.CharField("说明", max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="添加人", on_delete=models.PROTECT, null=True
    )
    added_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = "统一社会信用代码白名单"
        verbose_name_plural = "统一社会信用代码白名单"

    def __str__(self):
        return self.uscc
