"""Stored revisions of the city summary."""

from django.conf import settings
from django.db import models


class CityRollupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The city summary: city-wide staff only (a district reads its own dashboard)."""
        from portal.permissions import is_city_wide

        return self if is_city_wide(user) else self.none()


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

    objects = CityRollupQuerySet.as_manager()

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
