"""Monthly district reports (附件3), their submitted versions and deadline reminders."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from mingchu.models.scoping import DistrictScopedQuerySet

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "已退回修改"


def due_at(year: int, month: int) -> datetime.datetime:
    """23:59:59 Asia/Shanghai on the 30th, or on the last day of a shorter month."""
    day = min(30, calendar.monthrange(year, month)[1])
    return datetime.datetime(year, month, day, 23, 59, 59, tzinfo=SHANGHAI)


def past_due(year: int, month: int, at: datetime.datetime) -> bool:
    """The one "late against the 30th" rule: ``at`` is after the month's deadline. Every
    surface asks this (or ``MonthlyReport.late_at`` / ``overdue_at``)."""
    return at > due_at(year, month)


#: The figures a district reports and the registry pre-fills (附件3), in the sheet's order.
FIGURES = ("stores_selected", "video_installed", "platform_connected")


def figure_differences(reported: dict, registry: dict) -> dict:
    """The figures a district reported differently from the registry: {field: [registry,
    reported]}; what the explanation must cover and the city sees flagged."""
    return {
        field: [registry.get(field), reported.get(field)]
        for field in FIGURES
        if registry.get(field) != reported.get(field)
    }


class MonthlyReportQuerySet(DistrictScopedQuerySet):
    """City-wide users read every district's reports; district officers their own."""


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

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def is_returned(self) -> bool:
        """Sent back by the city for correction (its reason in ``returned_reason``)."""
        return self.status == ReportStatus.RETURNED

    @property
    def due_at(self) -> datetime.datetime:
        """The report's deadline (``due_at`` of its month)."""
        return due_at(self.year, self.month)

    def late_at(self, at: datetime.datetime) -> bool:
        """Whether submitting at ``at`` is late against the deadline (逾期上报)."""
        return past_due(self.year, self.month, at)

    def overdue_at(self, now: datetime.datetime) -> bool:
        """Not standing as submitted and past the deadline at ``now`` (逾期未报)."""
        return self.status != ReportStatus.SUBMITTED and self.late_at(now)

    def differences(self) -> dict:
        """Figures that differ from the registry: {field: [registry, reported]}."""
        return figure_differences({f: getattr(self, f) for f in FIGURES}, self.registry)

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
    stores = models.JSONField(
        "示范店建设情况统计表（附件4）",
        default=list,
        help_text="上报时同一事务中取得的本区示范店快照，每次上报一个版本。",
    )
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
