"""互联网＋明厨亮灶: yearly district quotas of demo restaurants, with their history."""

from django.conf import settings
from django.db import models
from django_fsm import RETURN_VALUE, FSMField, transition


class DistrictQuotaQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year).select_related("district").order_by("sort_order")

    def visible_to(self, user):
        """City-wide users see every district; district officers their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_city_wide:
            return self
        if user.district_id:
            return self.filter(district_id=user.district_id)
        return self.none()


class DistrictQuota(models.Model):
    """A district's demo-store target for a year (附件1: 美食广场 / 其他区域)."""

    year = models.PositiveSmallIntegerField("年度")
    district = models.ForeignKey(
        "portal.District", verbose_name="区", on_delete=models.PROTECT, related_name="+"
    )
    food_court = models.PositiveIntegerField("美食广场示范店数量")
    other_areas = models.PositiveIntegerField("其他区域示范店数量")
    sort_order = models.PositiveSmallIntegerField("序号")

    objects = DistrictQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = "区示范店布点"
        verbose_name_plural = "区示范店布点"
        ordering = ["year", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["year", "district"], name="quota_year_district")
        ]

    def __str__(self):
        return f"{self.year}年 {self.district} {self.total}家"

    @property
    def total(self) -> int:
        return self.food_court + self.other_areas


class QuotaChange(models.Model):
    """One adjustment of a quota by the city bureau, with its reason (kept forever)."""

    quota = models.ForeignKey(
        DistrictQuota, verbose_name="布点", on_delete=models.PROTECT, related_name="changes"
    )
    field = models.CharField("调整项", max_length=20)
    old_value = models.PositiveIntegerField("原数量")
    new_value = models.PositiveIntegerField("新数量")
    reason = models.CharField("调整原因", max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="调整人", on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("调整时间", auto_now_add=True)

    class Meta:
        verbose_name = "布点调整记录"
        verbose_name_plural = "布点调整记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.quota} {self.field} {self.old_value}→{self.new_value}"


class LocationType(models.TextChoices):
    FOOD_COURT = "food_court", "美食广场"
    OTHER = "other", "其他区域"


class Stage(models.TextChoices):
    """建设进度 (附件4 note 1), in order."""

    PREPARATION = "preparation", "前期准备"
    INSTALLATION = "installation", "设备安装"
    VIDEO_LINK = "video_link", "视频对接"
    COMPLETED = "completed", "完成建设"


STAGE_ORDER = list(Stage.values)


class DemoStoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_city_wide:
            return self
        if user.role == "district_officer" and user.district_id:
            return self.filter(district_id=user.district_id)
        return self.none()


class DemoStore(models.Model):
    """A demo restaurant (示范店) with the 附件4 fields; its district follows its licence."""

    year = models.PositiveSmallIntegerField("年度")
    unit_name = models.CharField("单位名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    food_licence_number = models.CharField("许可证号", max_length=16)
    holder_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    district = models.ForeignKey(
        "portal.District", verbose_name="区", on_delete=models.PROTECT, related_name="+"
    )
    location_type = models.CharField("区域类型", max_length=20, choices=LocationType.choices)
    stage = FSMField("建设进度", default=Stage.PREPARATION, choices=Stage.choices)
    expected_completion = models.DateField(
        "预计完成时间（月）", help_text="填写到月，存为该月1日。"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = DemoStoreQuerySet.as_manager()

    class Meta:
        verbose_name = "示范店"
        verbose_name_plural = "示范店"
        ordering = ["district_id", "unit_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "food_licence_number"], name="demo_store_once_per_year"
            )
        ]

    def __str__(self):
        return self.unit_name

    def next_stage(self) -> str | None:
        index = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None

    @transition(
        field=stage,
        source=[Stage.PREPARATION, Stage.INSTALLATION, Stage.VIDEO_LINK],
        target=RETURN_VALUE(*STAGE_ORDER[1:]),
    )
    def advance(self):
        """Move to the next construction stage (stages are never skipped)."""
        return self.next_stage()


class StageChange(models.Model):
    """The dated history of a store's construction stages."""

    store = models.ForeignKey(
        DemoStore, verbose_name="示范店", on_delete=models.CASCADE, related_name="stage_history"
    )
    stage = models.CharField("建设进度", max_length=20, choices=Stage.choices)
    on = models.DateField("日期")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "建设进度记录"
        verbose_name_plural = "建设进度记录"
        ordering = ["store_id", "on", "id"]

    def __str__(self):
        return f"{self.store} {self.get_stage_display()} {self.on}"
