"""行业综合许可证 (composite licences): one version per row, the number kept across versions."""

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from elicense.models.licence_state import LicenceState, in_force_filter, licence_state
from portal.permissions import is_bound_enterprise, is_district_reader


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUPERSEDED = "superseded", "已换发"
    CANCELLED = "cancelled", "已注销"
    REVOKED = "revoked", "已吊销"


class CompositeLicenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_wide:
            return self.all()
        if is_bound_enterprise(user):
            return self.filter(entity_uscc=user.entity_uscc)
        if is_district_reader(user):
            return self.filter(district_id=user.district_id)
        return self.none()

    def active(self):
        """Versions not ended by a decision (the one a change or cancellation acts on)."""
        return self.filter(status=LicenceStatus.ACTIVE)

    def in_force(self, today):
        """Versions whose ``state`` is in force on ``today``."""
        return self.filter(in_force_filter(today))


class CompositeLicence(models.Model):
    """行业综合许可证: one version of an entity's composite licence for one format.

    The number stays across versions (change and reissue add one); validity is unified and
    kept by every later version.
    """

    number = models.CharField("许可证编号", max_length=30, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    entity = models.ForeignKey(
        "licensing.MarketEntity", verbose_name="市场主体", on_delete=models.PROTECT,
        related_name="composite_licences",
    )  # fmt: skip
    entity_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    entity_name = models.CharField("主体名称", max_length=100)
    business_format = models.ForeignKey(
        "yiyeyizheng.BusinessFormat", verbose_name="经营业态", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    district = models.ForeignKey(
        "portal.District", verbose_name="发证区", on_delete=models.PROTECT, related_name="+"
    )
    premises_address = models.CharField("经营场所", max_length=200)
    items = models.JSONField("整合事项")
    answers = models.JSONField("问卷答案", default=dict)
    valid_from = models.DateField("有效期自")
    valid_to = models.DateField("有效期至")
    status = FSMField("状态", default=LicenceStatus.ACTIVE, choices=LicenceStatus.choices)
    issued_at = models.DateTimeField("发证时间")
    ended_at = models.DateTimeField("失效时间", null=True, blank=True)

    objects = CompositeLicenceQuerySet.as_manager()

    class Meta:
        verbose_name = "行业综合许可证"
        verbose_name_plural = "行业综合许可证"
        ordering = ["number", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="cl_number_version"),
            models.UniqueConstraint(
                fields=["number"], condition=Q(status="active"), name="cl_one_active_version"
            ),
        ]

    def __str__(self):
        return f"行业综合许可证 {self.number} 第{self.version}版"

    def state_on(self, today=None) -> LicenceState:
        return licence_state(
            status=self.status, valid_from=self.valid_from, valid_to=self.valid_to, today=today
        )

    @property
    def state(self) -> LicenceState:
        """The licence's status today (one truth: ``licence_state``)."""
        return self.state_on()

    @transition(field=status, source=LicenceStatus.ACTIVE, target=LicenceStatus.SUPERSEDED)
    def supersede(self, *, at):
        """A change or reissue replaces this version."""
        self.ended_at = at

    @transition(field=status, source=LicenceStatus.ACTIVE, target=LicenceStatus.CANCELLED)
    def cancel(self, *, at):
        """注销: the licence and every integrated item end."""
        self.ended_at = at
        self.items = [{**item, "result": "已注销"} for item in self.items]

    @transition(field=status, source=LicenceStatus.ACTIVE, target=LicenceStatus.REVOKED)
    def revoke(self, *, at):
        """吊销: the holder's business licence was revoked; every integrated item ends."""
        self.ended_at = at
        self.items = [{**item, "result": "已吊销"} for item in self.items]
