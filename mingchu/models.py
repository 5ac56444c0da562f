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


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "已退回修改"


class MonthlyReport(models.Model):
    """A district's monthly progress report (附件3), due by the 30th, 23:59 Shanghai."""

    district = models.ForeignKey(
        "portal.District", verbose_name="上报区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    reporting_unit = models.CharField("上报单位", max_length=100, blank=True)
    statistician = models.CharField("统计员", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    stores_selected = models.PositiveIntegerField("示范店选点完成数量（户）", default=0)
    video_installed = models.PositiveIntegerField("示范店视频安装完成数量（户）", default=0)
    platform_connected = models.PositiveIntegerField(
        "示范店视频对接第三方平台数量（户）", default=0
    )
    funds_wan = models.DecimalField(
        "区级配套资金投入情况（万元）", max_digits=12, decimal_places=2, default=0
    )
    issues_and_suggestions = models.TextField("存在的问题和建议", blank=True)
    explanation = models.TextField("与登记数据不一致的说明", blank=True)
    registry = models.JSONField("登记数据（预填）", default=dict)
    status = FSMField("状态", default=ReportStatus.DRAFT, choices=ReportStatus.choices)
    version = models.PositiveIntegerField("版本", default=1)
    submitted_at = models.DateTimeField("上报日期", null=True, blank=True)
    is_late = models.BooleanField("逾期上报", default=False)
    returned_reason = models.CharField("退回原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "区月度报表"
        verbose_name_plural = "区月度报表"
        ordering = ["-year", "-month", "district_id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "month"], name="report_per_month")
        ]

    def __str__(self):
        return f"{self.district} {self.year}年{self.month}月"

    def differences(self) -> dict:
        """Figures that differ from the registry: {field: [registry, reported]}."""
        return {
            field: [self.registry.get(field), getattr(self, field)]
            for field in ("stores_selected", "video_installed", "platform_connected")
            if self.registry.get(field) != getattr(self, field)
        }

    @transition(
        field=status,
        source=[ReportStatus.DRAFT, ReportStatus.RETURNED],
        target=ReportStatus.SUBMITTED,
    )
    def submit(self, *, at, late):
        """上报: the report is locked until the city returns it."""
        self.submitted_at, self.is_late = at, late

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.RETURNED)
    def send_back(self, *, reason):
        """退回修改: editable again; the submitted version stays in the history."""
        self.returned_reason = reason


class ReportVersion(models.Model):
    """Every submitted version of a report, as it was."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name="报表", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本")
    content = models.JSONField("内容")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("上报时间")

    class Meta:
        verbose_name = "报表版本"
        verbose_name_plural = "报表版本"
        ordering = ["report_id", "number"]

    def __str__(self):
        return f"{self.report} v{self.number}"
