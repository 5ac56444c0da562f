"""The 一业一证 industry catalogue: versions, business formats, permit items and their rules.

A catalogue version is written as a draft, published once, and retired when the next one is
published. Applications stay pinned to the version they began under, so a published or
retired version is never changed: admins copy it into a new draft instead.
"""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


class ItemKind(models.TextChoices):
    LICENCE = "licence", "许可"
    FILING = "filing", "备案"


class CatalogueVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=VersionStatus.DRAFT)

    def current(self):
        """The one published version, or None."""
        return self.published().order_by("-published_at", "-pk").first()


class CatalogueVersion(models.Model):
    """One edition of the catalogue (e.g. 第二版), as imported or copied by an administrator."""

    edition = models.CharField("版次", max_length=40)
    status = FSMField("状态", default=VersionStatus.DRAFT, choices=VersionStatus.choices)
    source = models.CharField("来源", max_length=200, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name="复制自",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "目录版本"
        verbose_name_plural = "目录版本"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="published"),
                name="one_published_catalogue_version",
            )
        ]

    def __str__(self):
        return f"{self.edition}（{self.get_status_display()}）"

    @classmethod
    def current(cls):
        """The published version every new application and questionnaire uses, or None."""
        return cls.objects.current()

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def has_formats(self) -> bool:
        return self.formats.exists()

    @transition(
        field=status, source=VersionStatus.DRAFT, target=VersionStatus.PUBLISHED,
        conditions=[has_formats],
    )  # fmt: skip
    def publish(self, *, by=None, at=None):
        """发布: the version becomes the current catalogue; only a draft with formats can."""
        self.published_by, self.published_at = by, at

    @transition(field=status, source=VersionStatus.PUBLISHED, target=VersionStatus.RETIRED)
    def retire(self, *, at=None):
        """停用: replaced by a newer version; applications pinned to it keep it."""
        self.retired_at = at


class BusinessFormatQuerySet(models.QuerySet):
    def of(self, version):
        return self.filter(version=version).select_related("lead_department")

    def with_items(self):
        """Formats with everything a decision reads (items, permits, departments) prefetched."""
        items = FormatItem.objects.select_related("permit").prefetch_related("departments")
        return self.prefetch_related(models.Prefetch("items", queryset=items))


class BusinessFormat(models.Model):
    """A business format (经营业态) of one catalogue version, with its lead department."""

    version = models.ForeignKey(
        CatalogueVersion, verbose_name="目录版本", on_delete=models.CASCADE, related_name="formats"
    )
    seq = models.PositiveSmallIntegerField("序号")
    category = models.CharField("行业分类", max_length=40)
    name = models.CharField("经营业态", max_length=60)
    lead_department = models.ForeignKey(
        "portal.Department", verbose_name="牵头部门", on_delete=models.PROTECT, related_name="+"
    )

    objects = BusinessFormatQuerySet.as_manager()

    class Meta:
        verbose_name = "经营业态"
        verbose_name_plural = "经营业态"
        ordering = ["version_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["version", "seq"], name="format_seq_per_version")
        ]

    def __str__(self):
        return f"{self.seq}. {self.name}"


class PermitItem(models.Model):
    """A single permit or filing (整合的事项) named in a catalogue version."""

    version = models.ForeignKey(
        CatalogueVersion, verbose_name="目录版本", on_delete=models.CASCADE, related_name="permits"
    )
    name = models.CharField("事项名称", max_length=80)

    class Meta:
        verbose_name = "整合事项"
        verbose_name_plural = "整合事项"
        ordering = ["version_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="permit_name_per_version")
        ]

    def __str__(self):
        return self.name


class FormatItem(models.Model):
    """One row of the catalogue: a permit integrated into a format, with its rule (as data)."""

    format = models.ForeignKey(
        BusinessFormat, verbose_name="经营业态", on_delete=models.CASCADE, related_name="items"
    )
    permit = models.ForeignKey(
        PermitItem, verbose_name="事项", on_delete=models.PROTECT, related_name="format_items"
    )
    position = models.PositiveSmallIntegerField("顺序")
    departments = models.ManyToManyField(
        "portal.Department", verbose_name="审批部门", related_name="+"
    )
    kind = models.CharField(
        "类型", max_length=10, choices=ItemKind.choices, default=ItemKind.LICENCE
    )
    rule = models.JSONField("办理规则", default=dict)
    remark = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "整合事项（业态）"
        verbose_name_plural = "整合事项（业态）"
        ordering = ["format_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["format", "permit"], name="permit_once_per_format"),
            models.UniqueConstraint(fields=["format", "position"], name="item_position_per_format"),
        ]

    def __str__(self):
        return f"{self.format.name}：{self.permit.name}"
