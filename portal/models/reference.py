"""Reference data: the 16 Shanghai districts, the approving departments, the working-day
calendar."""

from django.core.exceptions import ValidationError
from django.db import models

#: The years the portal accepts for a calendar, a quota year or a report (one range).
YEARS = range(2000, 2101)


class District(models.Model):
    """A Shanghai district (区), keyed by its GB/T 2260 division code."""

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=20, unique=True)
    short_name = models.CharField("简称", max_length=10)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "区"
        verbose_name_plural = "区"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """An approving department (审批部门) of the 一业一证 catalogue, city or district level."""

    class Level(models.TextChoices):
        CITY = "city", "市级"
        DISTRICT = "district", "区级"

    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("名称", max_length=60)
    short_name = models.CharField("目录用名", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "审批部门"
        verbose_name_plural = "审批部门"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class CalendarDay(models.Model):
    """A day that breaks the Mon–Fri rule (工作日历): a public holiday, or a weekend day that
    is worked (调休上班日), as the State Council publishes them each year.

    Days not listed are working days from Monday to Friday. Written only through
    ``portal.services.set_calendar_year``; read through ``portal.workdays``.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=20, blank=True, help_text="如：国庆节")

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    def clean(self):
        if self.kind == self.Kind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"date": "调休上班日必须是周六或周日。"})
        if self.kind == self.Kind.HOLIDAY and not self.name:
            raise ValidationError({"name": "请写明节假日名称。"})
