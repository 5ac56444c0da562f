"""互联网＋明厨亮灶: yearly district quotas of demo restaurants, with their history."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
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
#: Stages at which the kitchen cameras are installed (附件3 示范店视频安装完成数量).
VIDEO_INSTALLED_STAGES = [Stage.VIDEO_LINK, Stage.COMPLETED]


class DemoStoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_city_wide:
            return self
        if user.role == "district_officer" and user.district_id:
            return self.filter(district_id=user.district_id)
        return self.none()

    def progress_by_district(self) -> dict[str, dict[str, int]]:
        """The registry's progress figures per district, in one grouped SQL query.

        选点 = every selected store; 视频安装 = installation done (stage 视频对接 or later);
        对接平台 = at least one platform connection; 完成建设 = the last stage.
        """
        connected = Exists(PlatformConnection.objects.filter(store=OuterRef("pk")))
        rows = (
            self.order_by()
            .values("district_id")
            .annotate(
                stores_selected=Count("pk"),
                video_installed=Count("pk", filter=Q(stage__in=VIDEO_INSTALLED_STAGES)),
                platform_connected=Count("pk", filter=Q(connected)),
                completed=Count("pk", filter=Q(stage=Stage.COMPLETED)),
            )
        )
        return {row.pop("district_id"): row for row in rows}


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
    video_stream_url = models.CharField(
        "视频流地址",
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["http", "https", "rtsp", "rtmp"])],
        help_text="后厨视频的播放地址（HLS、MP4 可在浏览器播放；RTSP/RTMP 以链接提供）。",
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

    def missing_for_next_stage(self) -> str | None:
        """Why the store cannot move on yet, in Chinese, or None when it can."""
        target = self.next_stage()
        if target == Stage.VIDEO_LINK and not self.cameras.exists():
            return "进入视频对接前须登记已安装的摄像头及其覆盖的关键控制点。"
        if target == Stage.COMPLETED and not self.platform_connections.exists():
            return "完成建设前须登记至少一个已对接的第三方平台。"
        return None

    @transition(
        field=stage,
        source=[Stage.PREPARATION, Stage.INSTALLATION, Stage.VIDEO_LINK],
        target=RETURN_VALUE(*STAGE_ORDER[1:]),
        conditions=[lambda store: store.missing_for_next_stage() is None],
    )
    def advance(self):
        """Move to the next construction stage: never skipped; cameras are registered before
        视频对接 and a platform connection before 完成建设."""
        return self.next_stage()


class ControlPoint(models.TextChoices):
    """关键控制点 a kitchen camera covers (餐饮服务明厨亮灶工作指导意见)."""

    SPECIAL_ROOM = "special_room", "专间"
    COOKING = "cooking", "烹饪区"
    PREPARATION = "preparation", "粗加工及切配区"
    DISHWASHING = "dishwashing", "餐用具清洗消毒区"
    SERVING = "serving", "备餐区"
    STORAGE = "storage", "食品库房"


class Camera(models.Model):
    """A kitchen camera of a demo store and the key control points it covers."""

    store = models.ForeignKey(
        DemoStore, verbose_name="示范店", on_delete=models.CASCADE, related_name="cameras"
    )
    position = models.CharField("安装位置", max_length=50)
    control_points = models.JSONField("覆盖的关键控制点", default=list)
    installed_on = models.DateField("安装日期")

    class Meta:
        verbose_name = "摄像头"
        verbose_name_plural = "摄像头"
        ordering = ["store_id", "id"]

    def __str__(self):
        return f"{self.store} {self.position}"

    def control_point_labels(self) -> list[str]:
        labels = dict(ControlPoint.choices)
        return [labels.get(point, point) for point in self.control_points]


class PlatformConnection(models.Model):
    """The store's kitchen video shown on a delivery platform's shop page (视频对接)."""

    store = models.ForeignKey(
        DemoStore,
        verbose_name="示范店",
        on_delete=models.CASCADE,
        related_name="platform_connections",
    )
    platform = models.CharField("第三方平台", max_length=50)
    shop_id = models.CharField("平台店铺编号", max_length=64)
    connected_on = models.DateField("对接日期")

    class Meta:
        verbose_name = "平台对接"
        verbose_name_plural = "平台对接"
        ordering = ["store_id", "connected_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "platform"], name="connection_per_platform")
        ]

    def __str__(self):
        return f"{self.store} {self.platform} {self.shop_id}"


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


class MonthlyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """City-wide users read every district's reports; district officers their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_city_wide:
            return self
        if user.role == "district_officer" and user.district_id:
            return self.filter(district_id=user.district_id)
        return self.none()


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

    objects = MonthlyReportQuerySet.as_manager()

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


class CityRollup(models.Model):
    """One run of the city summary for a period; every run is a new revision, kept."""

    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    revision = models.PositiveIntegerField("修订号")
    rows = models.JSONField("各区数据", default=list)
    totals = models.JSONField("全市合计", default=dict)
    built_at = models.DateTimeField("汇总时间")
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="汇总人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="为空表示定时任务生成。",
    )

    class Meta:
        verbose_name = "全市汇总"
        verbose_name_plural = "全市汇总"
        ordering = ["-year", "-month", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "revision"], name="rollup_revision_per_period"
            )
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月 第{self.revision}版"


class ReportReminder(models.Model):
    """A deadline reminder sent to a district for a month (sent once)."""

    district = models.ForeignKey(
        "portal.District", verbose_name="区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    sent_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        verbose_name = "报表催报记录"
        verbose_name_plural = "报表催报记录"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "month"], name="reminder_once_per_month"
            )
        ]

    def __str__(self):
        return f"{self.district} {self.year}年{self.month}月"
