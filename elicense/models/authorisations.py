"""Authorisations (授权): the legal representative lets an agent act for the entity."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from portal.permissions import is_city_wide, is_enterprise_user


class Matter(models.Model):
    """A node of the matter tree (电子政务/市场监管/动产抵押) that administrators maintain."""

    path = models.CharField("事项路径", max_length=200, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name="上级", on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )  # fmt: skip
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "授权事项"
        verbose_name_plural = "授权事项"
        ordering = ["path"]

    def __str__(self):
        return self.path

    def covers(self, path: str) -> bool:
        """A scope covers itself and everything below it."""
        return path == self.path or path.startswith(self.path + "/")


class AuthorisationStatus(models.TextChoices):
    """The stored lifecycle column: only the legal representative's act of revoking moves it.
    Whether an authorisation holds at a moment is ``Authorisation.state_at``."""

    ACTIVE = "active", "有效"
    REVOKED = "revoked", "已撤销"


class AuthorisationState(models.TextChoices):
    """What an authorisation is at a moment: the answer every page, check and list shows."""

    CURRENT = "active", "有效"
    NOT_YET = "not_yet", "尚未生效"
    EXPIRED = "expired", "已到期"
    REVOKED = "revoked", "已撤销"

    @property
    def is_current(self) -> bool:
        return self == AuthorisationState.CURRENT

    @property
    def revocable(self) -> bool:
        """Current or not yet in force: the holder may still revoke it."""
        return self in (AuthorisationState.CURRENT, AuthorisationState.NOT_YET)


class AuthorisationQuerySet(models.QuerySet):
    def of_holder(self, uscc: str):
        return self.filter(holder_uscc=uscc)

    def visible_to(self, user):
        """Authorisations a user may read: the holder's enterprise users their own,
        city-wide staff every holder's, anyone else none (out of scope answers 404)."""
        if is_city_wide(user):
            return self
        if is_enterprise_user(user):
            return self.of_holder(user.entity_uscc)
        return self.none()

    def current(self, at=None):
        """Those whose ``state_at(at)`` is CURRENT, as one SQL filter (the same rule)."""
        at = at or timezone.now()
        not_revoked = Q(status=AuthorisationStatus.ACTIVE) | Q(revoked_at__gt=at)
        return self.filter(not_revoked, valid_from__lte=at, valid_to__gt=at)

    def current_of(self, *, holder_uscc: str, agent):
        """The agent's current authorisations from the holder, the longest-running first."""
        return (
            self.of_holder(holder_uscc).filter(agent=agent).current()
            .select_related("scope").order_by("-valid_to")
        )  # fmt: skip

    def covering(self, *, holder_uscc: str, agent, matter: str):
        """The agent's current authorisation from the holder whose scope covers ``matter``
        (the longest-running first), or None."""
        candidates = self.current_of(holder_uscc=holder_uscc, agent=agent)
        return next((a for a in candidates if a.scope.covers(matter)), None)


class Authorisation(models.Model):
    """An agent may act for the holder within ``scope`` from ``valid_from`` to ``valid_to``."""

    holder_uscc = models.CharField("授权主体", max_length=18, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="被授权人", on_delete=models.PROTECT,
        related_name="authorisations",
    )  # fmt: skip
    scope = models.ForeignKey(Matter, verbose_name="授权范围", on_delete=models.PROTECT)
    valid_from = models.DateTimeField("生效时间")
    valid_to = models.DateTimeField("截止时间")
    status = FSMField(
        "状态", default=AuthorisationStatus.ACTIVE, choices=AuthorisationStatus.choices
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="授权人", on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤销人", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    objects = AuthorisationQuerySet.as_manager()

    class Meta:
        verbose_name = "授权"
        verbose_name_plural = "授权"
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gt=models.F("valid_from")), name="authorisation_period"
            )
        ]

    def __str__(self):
        return f"{self.agent} · {self.scope.path} · 至{timezone.localtime(self.valid_to):%Y-%m-%d}"

    def state_at(self, at) -> AuthorisationState:
        """The one answer to "does it hold at ``at``": revoked, expired, not yet or current.

        ``AuthorisationQuerySet.current`` is the same rule in SQL; the listing, the
        permission predicates and verification all ask one of the two.
        """
        if self.status == AuthorisationStatus.REVOKED and self.revoked_at <= at:
            return AuthorisationState.REVOKED
        if at >= self.valid_to:
            return AuthorisationState.EXPIRED
        if at < self.valid_from:
            return AuthorisationState.NOT_YET
        return AuthorisationState.CURRENT

    @property
    def state(self) -> AuthorisationState:
        """``state_at`` now."""
        return self.state_at(timezone.now())

    @transition(field=status, source=AuthorisationStatus.ACTIVE, target=AuthorisationStatus.REVOKED)
    def revoke(self, *, by, at, reason):
        """The legal representative withdrew it; it stops working at once."""
        self.revoked_by, self.revoked_at, self.revoke_reason = by, at, reason
