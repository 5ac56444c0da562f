"""Claims of one-time form tokens and API ``Idempotency-Key`` headers (防重复提交)."""

from django.db import models


class SubmissionKey(models.Model):
    """One create, claimed by the key its request carried, in the create's own transaction.

    The unique (owner, key) pair decides a race: a second request with the same key waits
    for the first one's transaction and then finds this row, and is answered with
    ``result`` (the first answer) instead of creating again. ``owner`` names who sent the
    key (``user:<pk>`` or ``party:<pk>``), so one party's keys never collide with another's.
    """

    owner = models.CharField("提交方", max_length=40)
    key = models.CharField("幂等键", max_length=255)
    action = models.CharField("操作", max_length=100)
    fingerprint = models.CharField("请求摘要", max_length=64, blank=True)
    result = models.JSONField("首次结果", default=dict)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "防重复提交记录"
        verbose_name_plural = "防重复提交记录"
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="submission_key_once")]

    def __str__(self):
        return f"{self.owner} {self.action} {self.key}"
