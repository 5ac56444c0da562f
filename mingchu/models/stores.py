"""Demo stores (附件4): construction stages, cameras, platform connections, stage history."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, Value
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, transition

from mingchu.models.scoping import DistrictScopedQuerySet


class LocationType(models.TextChoices):
    FOOD_COURT = "food_court", "美食广场"
    OTHER = "other", "其他区域"


class DeliveryPlatform(models.TextChoices):
    """网络餐饮服务第三方平台 an operator sells on (实施方案: "以从事网络餐饮服务的
    入网餐饮服务经营者为重点")."""

    MEITUAN = "meituan", "美团外卖"
    ELEME = "eleme", "饿了么"
    JD = "jd", "京东外卖"
    OTHER = "other", "其他平台"


def expected_after_deadline(expected_completion, deadline) -> bool:
    """Whether a store expected in the month of ``expected_completion`` is expected after
    the deadline's month (it is accepted, with a warning)."""
    return (expected_completion.year, expected_completion.month) > (deadline.year, deadline.month)


class Stage(models.TextChoices):
    """建设进度 (附件4 note 1), in order."""

    PREPARATION = "preparation", "前期准备"
    INSTALLATION = "installation", "设备安装"
    VIDEO_LINK = "video_link", "视频对接"
    COMPLETED = "completed", "完成建设"


STAGE_ORDER = list(Stage.values)
#: The registry's progress figures, in the order of the roll-up's columns and charts.
REGISTRY_FIGURES = ("stores_selected", "video_installed", "platform_connected", "completed")
#: The dated stage (``StageChange``) from which a store counts in a figure. Every store passes
#: each stage in turn (``advance_store_stage``), so 视频安装 (cameras installed, 附件3) is
#: dated by 视频对接 and still holds once the store has completed.
STAGE_FIGURES = {
    Stage.PREPARATION: "stores_selected",
    Stage.VIDEO_LINK: "video_installed",
    Stage.COMPLETED: "completed",
}


class DemoStoreQuerySet(DistrictScopedQuerySet):
    @staticmethod
    def live_condition(*, on):
        """ "完成视频监控安装和平台对接上线" by the end of the day ``on``: the store had reached
        视频对接 (cameras installed; every store passes each stage, so a completed store has
        that row too) and gone live on a platform."""
        installed = StageChange.objects.filter(
            store=OuterRef("pk"), stage=Stage.VIDEO_LINK, on__lte=on
        )
        live = PlatformConnection.objects.filter(store=OuterRef("pk"), connected_on__lte=on)
        return Exists(installed) & Exists(live)

    @classmethod
    def overdue_condition(cls, *, deadline, on):
        """逾期未上线, the one definition: the deadline has passed by the end of the day ``on``
        and the store was not live by then (``live_condition``). A SQL condition, so that
        lists annotate it."""
        if on <= deadline:
            return Value(False, output_field=BooleanField())
        return ~Q(cls.live_condition(on=on))

    def expected_after(self, deadline):
        """Stores expected in a month after the deadline's (``expected_after_deadline`` as a
        filter: expected months are stored as their 1st)."""
        return self.filter(expected_completion__gt=deadline.replace(day=1))

    def with_overdue(self, *, deadline, on=None):
        """Each store with ``overdue`` (``overdue_condition`` at the end of ``on``, default
        today)."""
        on = on or timezone.localdate()
        return self.annotate(overdue=self.overdue_condition(deadline=deadline, on=on))

    def overdue_by_district(self, *, deadline, on=None) -> dict[str, int]:
        """How many stores are 逾期未上线 per district: once the deadline has passed, the
        stores less those live by then (``live_condition``), in two grouped queries. Counted
        as the complement because PostgreSQL runs the AND of two EXISTS as semi-joins, while
        the OR of two NOT EXISTS probes both subqueries for every store (3.6 times the whole
        roll-up at 100,000 stores, docs/performance.md)."""
        on = on or timezone.localdate()
        if on <= deadline:
            return {}
        stores = self.order_by()
        total = dict(stores.values_list("district_id").annotate(n=Count("pk")))
        live = dict(
            stores.filter(self.live_condition(on=on))
            .values_list("district_id")
            .annotate(n=Count("pk"))
        )
        return {
            district: n - live.get(district, 0)
            for district, n in total.items()
            if n - live.get(district, 0)
        }

    def progress_by_area(self, *, on=None) -> dict[str, dict[str, dict[str, int]]]:
        """The same figures as ``progress_by_district``, per district and 区域类型 (附件1's
        美食广场 / 其他区域), from the same two grouped queries:
        {district: {location_type: {figure: n}}}."""
        progress: dict = {}
        for (district_id, location_type), figures in self._progress(
            on, ("district_id", "location_type")
        ).items():
            progress.setdefault(district_id, {})[location_type] = figures
        return progress

    def progress_by_district(self, *, on=None) -> dict[str, dict[str, int]]:
        """The registry's progress figures per district at the end of the day ``on`` (default
        today), from the dated history in two grouped SQL queries.

        选点 = selected by then; 视频安装 = reached 视频对接 by then; 对接平台 = connected to a
        platform by then; 完成建设 = completed by then. This is the one definition of the
        figures: monthly reports and the city roll-up pass the month's last day, so a past
        month reads as it stood at 23:59 that day whatever happened since. A store has one
        history row per stage it reached (``advance_store_stage`` only moves forward), so
        joined rows are counted without DISTINCT.
        """
        return {key[0]: figures for key, figures in self._progress(on, ("district_id",)).items()}

    def _progress(self, on, keys: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
        on = on or timezone.localdate()
        stores = self.order_by()
        progress: dict[tuple, dict[str, int]] = {}

        def count(rows, figure_of):
            for row in rows:
                figures = progress.setdefault(
                    tuple(row[key] for key in keys), dict.fromkeys(REGISTRY_FIGURES, 0)
                )
                figures[figure_of(row)] = row["n"]

        reached = (
            stores.filter(stage_history__stage__in=list(STAGE_FIGURES), stage_history__on__lte=on)
            .values(*keys, "stage_history__stage")
            .annotate(n=Count("pk"))
        )
        count(reached, lambda row: STAGE_FIGURES[row["stage_history__stage"]])
        connected = PlatformConnection.objects.filter(store=OuterRef("pk"), connected_on__lte=on)
        connected_rows = stores.filter(Exists(connected)).values(*keys).annotate(n=Count("pk"))
        count(connected_rows, lambda row: "platform_connected")
        return progress


class DemoStore(models.Model):
    """A demo restaurant (示范店) with the 附件4 fields; its district follows its licence."""

    year = models.PositiveSmallIntegerField("年度")
    unit_name = models.CharField("单位名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    food_licence_number = models.CharField("许可证号", max_length=30)
    holder_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    district = models.ForeignKey(
        "portal.District", verbose_name="区", on_delete=models.PROTECT, related_name="+"
    )
    location_type = models.CharField("区域类型", max_length=20, choices=LocationType.choices)
    stage = FSMField("建设进度", default=Stage.PREPARATION, choices=Stage.choices)
    expected_completion = models.DateField(
        "预计完成时间（月）", help_text="填写到月，存为该月1日。"
    )
    on_delivery_platform = models.BooleanField(
        "从事网络餐饮服务（入网）",
        null=True,
        blank=True,
        help_text="是否在网络餐饮服务第三方平台上经营；为空表示选点时未记录。",
    )
    delivery_platforms = models.JSONField("入驻的网络餐饮平台", default=list, blank=True)
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

    def delivery_platform_labels(self) -> list[str]:
        labels = dict(DeliveryPlatform.choices)
        return [labels.get(value, value) for value in self.delivery_platforms]

    def delivery_label(self) -> str:
        """网络餐饮 as lists and the 附件4 export show it."""
        if self.on_delivery_platform is None:
            return "未记录"
        if not self.on_delivery_platform:
            return "未入网"
        return "入网：" + "、".join(self.delivery_platform_labels())

    def next_stage(self) -> str | None:
        index = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None

    def covered_control_points(self) -> list[str]:
        """The key control points any of its cameras covers, in ControlPoint's order (reads
        ``cameras``: prefetch it on lists)."""
        points = {point for camera in self.cameras.all() for point in camera.control_points}
        return [label for value, label in ControlPoint.choices if value in points]

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
