"""In-portal notices to an enterprise (all users of one USCC) or to one user."""

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The user's own notices and those addressed to their entity."""
        if not user.is_authenticated:
            return self.none()
        mine = models.Q(recipient=user)
        if user.entity_uscc:
            mine |= models.Q(recipient_uscc=user.entity_uscc)
        return self.filter(mine)


class Notification(models.Model):
    """A message shown on the recipient's home page until it is read.

    Addressed either to an entity (``recipient_uscc``: every user of that USCC) or to one
    user (``recipient``: officers, clerks).
    """

    recipient_uscc = models.CharField("接收主体", max_length=18, db_index=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.CharField("内容", max_length=300)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "站内提醒"
        verbose_name_plural = "站内提醒"
        ordering = ["-created_at"]

    def __str__(self):
        return self.message
