"""Business licences (营业执照) and food operation licences (食品经营许可证)."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django_fsm import FSMField, transition

from elicense.models.licence_state import (
    LicenceState,
    expiring_filter,
    in_force_filter,
    licence_state,
)
from licensing.models.entities import MarketEntity


class BusinessLicenceStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUPERSEDED = "superseded", "已换发"
    CANCELLED = "cancelled", "已注销"
    REVOKED = "revoked", "已吊销"


class BusinessLicence(models.Model):
    """One issued version of an entity's business licence; its face data is frozen."""

    entity = models.ForeignKey(
        MarketEntity,
        verbose_name="市场主体",
        on_delete=models.PROTECT,
        related_name="business_licences",
    )
    version = models.PositiveIntegerField("版本")
    face = models.JSONField("照面信息")
    status = FSMField(
        "状态", default=BusinessLicenceStatus.ACTIVE, choices=BusinessLicenceStatus.choices
    )
    issued_at = models.DateTimeField("核发时间")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核发人", on_delete=models.PROTECT, null=True
    )
    reason = models.CharField("核发事由", max_length=100)
    ended_at = models.DateTimeField("失效时间", null=True, blank=True)

    class Meta:
        verbose_name = "营业执照"
        verbose_name_plural = "营业执照"
        ordering = ["entity_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "version"], name="bl_entity_version"),
            models.UniqueConstraint(
                fields=["entity"],
                condition=Q(status="active"),
                name="bl_one_active_per_entity",
            ),
        ]

    def __str__(self):
        return f"营业执照 {self.face.get('name', '')} 第{self.version}版"

    def state_on(self, today=None) -> LicenceState:
        """Valid from the founding date to the end of the operating period (营业期限)."""
        return licence_state(
            status=self.status,
            valid_from=self.entity.established_on,
            valid_to=self.entity.operating_period_to,
            today=today,
        )

    @property
    def state(self) -> LicenceState:
        return self.state_on()

    @transition(
        field=status, source=BusinessLicenceStatus.ACTIVE, target=BusinessLicenceStatus.SUPERSEDED
    )
    def supersede(self, *, at):
        """A change of registration replaces this version with a new one."""
        self.ended_at = at

    @transition(
        field=status, source=BusinessLicenceStatus.ACTIVE, target=BusinessLicenceStatus.CANCELLED
    )
    def cancel(self, *, at):
        """The entity was cancelled (注销)."""
        self.ended_at = at

    @transition(
        field=status, source=BusinessLicenceStatus.ACTIVE, target=BusinessLicenceStatus.REVOKED
    )
    def revoke(self, *, at):
        """The entity's licence was revoked (吊销)."""
        self.ended_at = at


class FoodSubjectType(models.IntegerChoices):
    """主体业态: the first digit after JY in the licence number."""

    SALES = 1, "食品销售经营者"
    CATERING = 2, "餐饮服务经营者"
    CANTEEN = 3, "集中用餐单位食堂"


class FoodBusinessItem(models.TextChoices):
    """经营项目 of a food operation licence."""

    PREPACKAGED = "prepackaged", "预包装食品销售"
    BULK = "bulk", "散装食品销售"
    SPECIAL = "special", "特殊食品销售"
    HOT_FOOD = "hot_food", "热食类食品制售"
    COLD_FOOD = "cold_food", "冷食类食品制售"
    RAW_FOOD = "raw_food", "生食类食品制售"
    PASTRY = "pastry", "糕点类食品制售"
    DRINKS = "drinks", "自制饮品制售"
    OTHER = "other", "其他类食品制售"


class FoodLicenceStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUPERSEDED = "superseded", "已变更"
    CANCELLED = "cancelled", "已注销"
    EXPIRED = "expired", "已过期"


class FoodLicenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Food licences of the entities ``user`` may read."""
        return self.filter(entity__in=MarketEntity.objects.visible_to(user))

    def current(self):
        """The latest version of each licence number (active or ended)."""
        return self.filter(is_current=True)

    def due_to_expire(self, today):
        return self.filter(status=FoodLicenceStatus.ACTIVE, valid_to__lt=today)

    def in_force(self, today):
        """Current versions whose ``state`` is in force on ``today`` (valid or expiring)."""
        return self.filter(in_force_filter(today), is_current=True)

    def expiring(self, today):
        """Current versions in force that end within 30 days (30日内到期)."""
        return self.filter(expiring_filter(today), is_current=True)


class FoodLicence(models.Model):
    """One version of a food operation licence, linked to its holder by the USCC.

    The number stays with the licence across changes (each change is a new version);
    numbers are allocated from a portal ``Counter`` per division and subject type and never
    reused.
    """

    number = models.CharField(
        "许可证编号",
        max_length=30,
        help_text="JY编号；纳入行业综合许可证的，为综合许可证编号。",
    )
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("最新版本", default=True)
    in_composite = models.BooleanField(
        "纳入行业综合许可证",
        default=False,
        help_text="一业一证：由行业综合许可证载明，不单独发证（无单独的电子证照）。",
    )
    entity = models.ForeignKey(
        MarketEntity,
        verbose_name="经营者",
        on_delete=models.PROTECT,
        related_name="food_licences",
    )
    holder_uscc = models.CharField("社会信用代码", max_length=18)
    operator_name = models.CharField("经营者名称", max_length=100)
    legal_person_name = models.CharField("法定代表人（负责人）", max_length=50)
    subject_type = models.PositiveSmallIntegerField("主体业态", choices=FoodSubjectType.choices)
    business_items = models.JSONField("经营项目")
    premises_address = models.CharField("经营场所", max_length=200)
    district = models.ForeignKey(
        "portal.District", verbose_name="发证区", on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )  # fmt: skip
    issuing_authority = models.CharField("发证机关", max_length=60)
    valid_from = models.DateField("有效期自")
    valid_to = models.DateField("有效期至")
    status = FSMField("状态", default=FoodLicenceStatus.ACTIVE, choices=FoodLicenceStatus.choices)
    issued_at = models.DateTimeField("签发时间")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, null=True
    )
    reason = models.CharField("签发事由", max_length=100)
    ended_at = models.DateTimeField("失效时间", null=True, blank=True)
    end_reason = models.CharField("失效原因", max_length=200, blank=True)

    objects = FoodLicenceQuerySet.as_manager()

    class Meta:
        verbose_name = "食品经营许可证"
        verbose_name_plural = "食品经营许可证"
        ordering = ["number", "-version"]
        # In ``Meta``, not the fields' ``db_index``, which adds ``varchar_pattern_ops`` twins
        # (ADR 0043); ``number`` is read through ``fl_number_version``, which begins with it.
        indexes = [
            models.Index(fields=["holder_uscc"], name="food_licence_holder"),
            models.Index(fields=["district"], name="food_licence_district"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="fl_number_version"),
            models.UniqueConstraint(
                fields=["number"], condition=Q(is_current=True), name="fl_one_current_per_number"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="fl_valid_range"
            ),
        ]

    def __str__(self):
        return f"食品经营许可证 {self.number}"

    def business_item_labels(self) -> list[str]:
        return [FoodBusinessItem(item).label for item in self.business_items]

    def is_active(self) -> bool:
        """Not yet ended by a decision (the daily task may still have to expire it)."""
        return self.status == FoodLicenceStatus.ACTIVE

    def state_on(self, today=None) -> LicenceState:
        return licence_state(
            status=self.status, valid_from=self.valid_from, valid_to=self.valid_to, today=today
        )

    @property
    def state(self) -> LicenceState:
        """The licence's status today: what every page, list, count and check shows."""
        return self.state_on()

    @transition(field=status, source=FoodLicenceStatus.ACTIVE, target=FoodLicenceStatus.SUPERSEDED)
    def supersede(self, *, at):
        """A change (变更) issues a new version under the same number."""
        self.ended_at, self.is_current = at, False

    @transition(field=status, source=FoodLicenceStatus.ACTIVE, target=FoodLicenceStatus.CANCELLED)
    def cancel(self, *, at, reason):
        """注销, on request or because the holder ceased to exist."""
        self.ended_at, self.end_reason = at, reason

    @transition(field=status, source=FoodLicenceStatus.ACTIVE, target=FoodLicenceStatus.EXPIRED)
    def expire(self, *, at):
        """The validity period ended (the daily expiry task)."""
        self.ended_at, self.end_reason = at, "有效期届满"


def current_food_licences_prefetch(to_attr="current_food_licences"):
    """Prefetch each entity's current food-licence versions (constant query count)."""
    return Prefetch(
        "food_licences",
        queryset=FoodLicence.objects.filter(is_current=True).order_by("number"),
        to_attr=to_attr,
    )
