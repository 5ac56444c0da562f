"""Reference data: the 16 Shanghai districts and the approving departments."""

from django.db import models


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
