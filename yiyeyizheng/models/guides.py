"""合规经营指南 (一册告知): what a format's operators must keep doing once licensed.

The catalogue (shanghai-yiyeyizheng 2023): "从经营主体视角探索制定合规经营指南，实现“一册
告知”，稳定经营主体监管预期". One page per format, written by the administrators in the admin
(through ``yiyeyizheng.services.guides``) and linked from the format's questionnaire.
"""

from django.conf import settings
from django.db import models


class ComplianceGuide(models.Model):
    business_format = models.OneToOneField(
        "yiyeyizheng.BusinessFormat", verbose_name="经营业态", on_delete=models.CASCADE,
        related_name="guide",
    )  # fmt: skip
    body = models.TextField(
        "合规经营指南", help_text="按段落书写；空行分段。写明持证后应持续遵守的经营要求。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新人", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "合规经营指南"
        verbose_name_plural = "合规经营指南"

    def __str__(self):
        return f"合规经营指南：{self.business_format.name}"
