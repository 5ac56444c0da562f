"""Bulk merchant checks (入网经营者资质审查): a platform's merchant list checked row by row."""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition


class BulkCheckStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "检查中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Verdict(models.TextChoices):
    MATCH = "match", "证照相符"
    NAME_MISMATCH = "name_mismatch", "名称不符"
    ADDRESS_MISMATCH = "address_mismatch", "地址不符"
    LICENCE_MISSING = "licence_missing", "许可证不存在"
    LICENCE_EXPIRED = "licence_expired", "许可证已过期"
    LICENCE_NOT_YET_VALID = "licence_not_yet_valid", "许可证尚未生效"
    LICENCE_CANCELLED = "licence_cancelled", "许可证已注销"
    ENTITY_ENDED = "entity_ended", "执照已注销或吊销"
    BAD_NUMBER = "bad_number", "编号格式错误"


class BulkCheckQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The checks the user uploaded (a party's API checks are read through the API)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(uploaded_by=user)


class BulkCheck(models.Model):
    """One uploaded file and its result; owned by a relying party or an enterprise user."""

    relying_party = models.ForeignKey(
        "elicense.RelyingParty", verbose_name="接入单位", on_delete=models.PROTECT, null=True,
        blank=True, related_name="bulk_checks",
    )  # fmt: skip
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    file_name = models.CharField("文件名", max_length=200)
    source = models.BinaryField("上传文件")
    status = FSMField("状态", default=BulkCheckStatus.QUEUED, choices=BulkCheckStatus.choices)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已检查", default=0)
    summary = models.JSONField("汇总", default=dict, blank=True)
    result = models.BinaryField("结果文件", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Who runs it (the Celery task id) and when it last wrote progress: a check whose
    # runner is silent for BULK_CHECK_STALL_SECONDS is taken over by the next delivery.
    runner = models.CharField("执行者", max_length=64, blank=True)
    heartbeat_at = models.DateTimeField("最近进度时间", null=True, blank=True)

    objects = BulkCheckQuerySet.as_manager()

    class Meta:
        verbose_name = "批量资质审查"
        verbose_name_plural = "批量资质审查"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_done(self) -> bool:
        return self.status == BulkCheckStatus.DONE

    def is_stalled(self, now, *, seconds: int) -> bool:
        """Running, but its runner wrote no progress for ``seconds`` (its worker died)."""
        return self.status == BulkCheckStatus.RUNNING and (
            self.heartbeat_at is None or (now - self.heartbeat_at).total_seconds() >= seconds
        )

    @property
    def progress(self) -> int:
        return round(100 * self.done_rows / self.total_rows) if self.total_rows else 0

    @transition(field=status, source=BulkCheckStatus.QUEUED, target=BulkCheckStatus.RUNNING)
    def start(self, *, total):
        self.total_rows = total

    @transition(field=status, source=BulkCheckStatus.RUNNING, target=BulkCheckStatus.DONE)
    def finish(self, *, result, summary, at):
        self.result, self.summary, self.finished_at = result, summary, at

    @transition(
        field=status,
        source=[BulkCheckStatus.QUEUED, BulkCheckStatus.RUNNING],
        target=BulkCheckStatus.FAILED,
    )
    def fail(self, *, error, at):
        self.error, self.finished_at = error[:300], at


class BulkCheckRow(models.Model):
    """The verdict on one row of the upload, written once: chunks commit as they are done."""

    bulk_check = models.ForeignKey(
        BulkCheck, verbose_name="批量资质审查", on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField("行号")
    verdict = models.CharField("审查结论", max_length=30, choices=Verdict.choices)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "批量资质审查结果行"
        verbose_name_plural = "批量资质审查结果行"
        constraints = [
            models.UniqueConstraint(fields=["bulk_check", "line"], name="bulk_check_row_once")
        ]

    def __str__(self):
        return f"{self.bulk_check_id}:{self.line} {self.get_verdict_display()}"
