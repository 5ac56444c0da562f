"""The one sequence/counter model of the portal (issue 14, ADR 0032).

Every number the portal hands out in order (a day's 一业一证 application serials, a
district-year's composite licence serials, the change feed's sequences) is the ``value`` of
one ``Counter`` row, advanced by ``portal.services.counters`` under a row lock. Keys are
namespaced by the owning app: ``yiyeyizheng:APP-20261123``, ``elicense:change_feed``.
"""

from django.db import models


class Counter(models.Model):
    """The last value handed out under ``key``; advanced only under a row lock."""

    key = models.CharField("计数键", max_length=100, unique=True)
    value = models.BigIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "计数器"
        verbose_name_plural = "计数器"
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.value}"
