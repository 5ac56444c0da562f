"""Yearly district quotas of demo restaurants (附件1), with their history, and the year's
deadline for video installation and going live on the platforms."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Max

from mingchu.models.scoping import DistrictScopedQuerySet
from portal.models.reference import YEARS  # noqa: F401 - the one year range

#: The project's first year (附件1), the project year until the city sets another.
FIRST_YEAR = 2022
#: The figures of a quota a city officer may adjust, with their 附件1 headings.
QUOTA_FIELDS = {"food_court": "美食广场示范店数量", "other_areas": "其他区域示范店数量"}


class DistrictQuotaQuerySet(DistrictScopedQuerySet):
    def for_year(self, year: int):
        return self.filter(year=year).select_related("district").order_by("sort_order")

    def years(self) -> list[int]:
        """The years that have quotas, latest first."""
        return sorted(set(self.order_by().values_list("year", flat=True)), reverse=True)

    def project_year(self) -> int:
        """The latest year with quotas: new demo stores are selected for it and the pages
        open on it (the first year while no quotas are loaded)."""
        return self.order_by().aggregate(year=Max("year"))["year"] or FIRST_YEAR


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
    field = models.CharField("调整项", max_length=20, choices=list(QUOTA_FIELDS.items()))
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


#: "原则上，入网餐饮服务经营者应于9月30日前完成视频监控安装和平台对接上线" (实施方案 四（二）2):
#: the deadline of a year for which a city officer has set no other.
DEFAULT_DEADLINE = (9, 30)


class ProjectDeadlineQuerySet(models.QuerySet):
    def for_year(self, year: int) -> datetime.date:
        """The year's deadline: the one a city officer set, else 30 September."""
        due_on = self.filter(year=year).values_list("due_on", flat=True).first()
        return due_on or datetime.date(year, *DEFAULT_DEADLINE)


class ProjectDeadline(models.Model):
    """The day by which a year's demo stores should have their kitchen video installed and
    live on the delivery platforms (set by the city; 9月30日 when not set)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    due_on = models.DateField("视频监控安装和平台对接上线期限")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="设定人", on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField("设定时间", auto_now=True)

    objects = ProjectDeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = "对接上线期限"
        verbose_name_plural = "对接上线期限"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年 {self.due_on:%Y-%m-%d}"
