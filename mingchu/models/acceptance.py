"""评估总结阶段 (实施方案 四（三）): "在区级完成辖区…示范店建设开展验收评估的基础，市级组织相关
部门开展市级验收评估，形成总结报告".

A year's acceptance moves 区级验收评估 → 市级验收评估 → 总结报告 (``YearAcceptance.phase``);
each district's self-assessment moves 区级自评中 → 已提交 → 市级已评 (``DistrictAssessment``).
The transitions' guards are here; ``mingchu.services.acceptance`` calls them, audits them and
answers refusals in Chinese.
"""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition

from mingchu.models.quotas import DistrictQuota
from mingchu.models.scoping import DistrictScopedQuerySet


class AcceptancePhase(models.TextChoices):
    DISTRICT = "district", "区级验收评估"
    CITY = "city", "市级验收评估"
    SUMMARY = "summary", "总结报告"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "区级自评中"
    SUBMITTED = "submitted", "区级验收评估已提交"
    ASSESSED = "assessed", "市级验收评估已完成"


class CityResult(models.TextChoices):
    """The city's result for a district (市级验收评估)."""

    PASSED = "passed", "验收合格"
    PASSED_WITH_REMARKS = "remarks", "基本合格（限期整改）"
    FAILED = "failed", "验收不合格"


class YearAcceptance(models.Model):
    """The acceptance of a project year: which phase it is in and, once concluded, the
    summary report's text and figures as they stood (the PDF is rendered from them)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    phase = FSMField("阶段", default=AcceptancePhase.DISTRICT, choices=AcceptancePhase.choices)
    city_started_at = models.DateTimeField("市级验收评估开始时间", null=True, blank=True)
    summary_text = models.TextField("总结报告正文", blank=True)
    summary = models.JSONField("总结报告数据", default=dict, blank=True)
    concluded_at = models.DateTimeField("形成总结报告时间", null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="总结报告形成人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "验收评估"
        verbose_name_plural = "验收评估"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年验收评估"

    def districts_not_submitted(self) -> list[str]:
        """Names of the year's districts (those with a quota) whose self-assessment is not
        submitted: the city assessment waits for them."""
        done = self.assessments.exclude(status=AssessmentStatus.DRAFT).values("district_id")
        return [
            quota.district.short_name
            for quota in DistrictQuota.objects.for_year(self.year).exclude(district_id__in=done)
        ]

    def districts_not_assessed(self) -> list[str]:
        """Names of the districts that still wait for the city's result."""
        return [
            a.district.short_name
            for a in self.assessments.exclude(status=AssessmentStatus.ASSESSED)
            .select_related("district")
            .order_by("district__sort_order")
        ]

    def all_districts_submitted(self) -> bool:
        return DistrictQuota.objects.filter(year=self.year).exists() and not (
            self.districts_not_submitted()
        )

    def all_districts_assessed(self) -> bool:
        return self.assessments.exists() and not self.districts_not_assessed()

    @transition(
        field=phase,
        source=AcceptancePhase.DISTRICT,
        target=AcceptancePhase.CITY,
        conditions=[all_districts_submitted],
    )
    def start_city_assessment(self, *, at):
        """市级验收评估 begins once every district has submitted its own."""
        self.city_started_at = at

    @transition(
        field=phase,
        source=AcceptancePhase.CITY,
        target=AcceptancePhase.SUMMARY,
        conditions=[all_districts_assessed],
    )
    def conclude(self, *, text, summary, at, by):
        """形成总结报告 once the city has a result for every district; final."""
        self.summary_text, self.summary = text, summary
        self.concluded_at, self.concluded_by = at, by


def _in_district_phase(assessment) -> bool:
    return assessment.acceptance.phase == AcceptancePhase.DISTRICT


def _has_text(assessment) -> bool:
    return bool(assessment.self_assessment.strip())


def _in_city_phase(assessment) -> bool:
    return assessment.acceptance.phase == AcceptancePhase.CITY


class DistrictAssessment(models.Model):
    """A district's 区级验收评估 of its demo stores for a year, and the city's result for it."""

    acceptance = models.ForeignKey(
        YearAcceptance,
        verbose_name="验收评估",
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    district = models.ForeignKey(
        "portal.District", verbose_name="区", on_delete=models.PROTECT, related_name="+"
    )
    status = FSMField("状态", default=AssessmentStatus.DRAFT, choices=AssessmentStatus.choices)
    self_assessment = models.TextField("区级验收评估情况", blank=True)
    figures = models.JSONField("提交时的建设进度", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city_result = models.CharField(
        "市级验收评估结果", max_length=20, choices=CityResult.choices, blank=True
    )
    city_remarks = models.TextField("市级验收评估意见", blank=True)
    assessed_at = models.DateTimeField("市级评估时间", null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="市级评估人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "区级验收评估"
        verbose_name_plural = "区级验收评估"
        ordering = ["acceptance_id", "district__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["acceptance", "district"], name="assessment_per_district_year"
            )
        ]

    def __str__(self):
        return f"{self.acceptance.year}年{self.district}区级验收评估"

    @property
    def is_draft(self) -> bool:
        """Still the district's self-assessment in progress (not yet submitted)."""
        return self.status == AssessmentStatus.DRAFT

    @transition(
        field=status,
        source=AssessmentStatus.DRAFT,
        target=AssessmentStatus.SUBMITTED,
        conditions=[_in_district_phase, _has_text],
    )
    def submit(self, *, at, by, figures):
        """提交区级验收评估: final; the registry's figures are kept as they stood."""
        self.submitted_at, self.submitted_by, self.figures = at, by, figures

    @transition(
        field=status,
        source=AssessmentStatus.SUBMITTED,
        target=AssessmentStatus.ASSESSED,
        conditions=[_in_city_phase],
    )
    def assess(self, *, result, remarks, at, by):
        """The city's result for the district (市级验收评估); final."""
        self.city_result, self.city_remarks = result, remarks
        self.assessed_at, self.assessed_by = at, by


class AssessmentAttachment(models.Model):
    """A document of a district's self-assessment (PDF, JPEG or PNG, checked by content,
    bounded in size), kept in the database like the bulk-check uploads."""

    assessment = models.ForeignKey(
        DistrictAssessment,
        verbose_name="区级验收评估",
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    content = models.BinaryField("文件内容")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "验收评估附件"
        verbose_name_plural = "验收评估附件"
        ordering = ["assessment_id", "pk"]

    def __str__(self):
        return self.original_name
