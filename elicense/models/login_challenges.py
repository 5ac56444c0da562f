"""Scan-to-login challenges (扫码登录): one-time, short-lived, bound to the waiting browser."""

import hashlib

from django.conf import settings
from django.db import models
from django_fsm import FSMField, transition


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class ChallengeStatus(models.TextChoices):
    PENDING = "pending", "等待确认"
    CONFIRMED = "confirmed", "已确认"
    REFUSED = "refused", "已拒绝"
    CONSUMED = "consumed", "已登录"


class LoginChallenge(models.Model):
    """A waiting browser's request to be signed in by a phone that is already signed in."""

    token_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    #: The waiting browser's key (its own cookie, ``elicense.views.login.BROWSER_COOKIE``).
    browser_key = models.CharField("等待登录的浏览器标识", max_length=64)
    user_agent = models.CharField("等待登录的浏览器", max_length=300, blank=True)
    client_address = models.GenericIPAddressField("等待登录的地址", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    status = FSMField("状态", default=ChallengeStatus.PENDING, choices=ChallengeStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    consumed_at = models.DateTimeField("登录时间", null=True, blank=True)

    class Meta:
        verbose_name = "扫码登录"
        verbose_name_plural = "扫码登录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_status_display()} {self.created_at:%Y-%m-%d %H:%M:%S}"

    @transition(field=status, source=ChallengeStatus.PENDING, target=ChallengeStatus.CONFIRMED)
    def confirm(self, *, user, at):
        """The signed-in phone said yes: the waiting browser may now sign in as ``user``."""
        self.user, self.decided_at = user, at

    @transition(field=status, source=ChallengeStatus.PENDING, target=ChallengeStatus.REFUSED)
    def refuse(self, *, user, at):
        """The phone said no: the challenge is dead."""
        self.user, self.decided_at = user, at

    @transition(field=status, source=ChallengeStatus.CONFIRMED, target=ChallengeStatus.CONSUMED)
    def consume(self, *, at):
        """The waiting browser signed in; the challenge can never be used again."""
        self.consumed_at = at
