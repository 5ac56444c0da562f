"""The transactional outbox: a task the portal must not lose, written with the change."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboxQuerySet(models.QuerySet):
    def pending(self):
        """Messages whose task has not finished yet."""
        return self.filter(done_at__isnull=True)

    def due(self, now: datetime.datetime | None = None):
        """Pending messages the sweep should send (again).

        Never sent, or whose send failed (broker down at commit time), or sent more than
        OUTBOX_REDELIVER_MINUTES ago without the task acknowledging it; at most
        OUTBOX_MAX_ATTEMPTS sends each.
        """
        now = now or timezone.now()
        unsent = models.Q(dispatched_at__isnull=True) & (
            models.Q(attempts__gt=0) | models.Q(created_at__lt=now - datetime.timedelta(seconds=30))
        )
        stale = models.Q(
            dispatched_at__lt=now - datetime.timedelta(minutes=settings.OUTBOX_REDELIVER_MINUTES)
        )
        return (
            self.pending()
            .filter(unsent | stale)
            .filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
            .order_by("pk")
        )

    def given_up(self):
        """Pending messages that used up their sends: only an administrator moves them on."""
        return self.pending().filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS)


class OutboxMessage(models.Model):
    """One task to run after the transaction that wrote this row commits.

    ``args`` are plain JSON values (ids, mostly). The dispatcher sets ``dispatched_at`` when it
    hands the task to Celery; the task sets ``done_at`` when its service finished.
    """

    task_name = models.CharField("任务", max_length=200)
    args = models.JSONField("参数", default=list, blank=True)
    created_at = models.DateTimeField("写入时间", default=timezone.now)
    dispatched_at = models.DateTimeField("最近派发时间", null=True, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("派发次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = "待办任务（发件箱）"
        verbose_name_plural = "待办任务（发件箱）"
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["dispatched_at"],
                name="outbox_pending_idx",
                condition=models.Q(done_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.task_name}{self.args}"
