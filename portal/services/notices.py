"""Writes of notices: an entity's or some users' notifications and marking them read."""

from django.db import transaction

from portal.audit import PortalAction, record_event


def notify_entity(*, uscc: str, message: str, link: str = "") -> None:
    """Leave a notice for every user of an entity (called inside the caller's transaction)."""
    from portal.models import Notification

    notification = Notification.objects.create(recipient_uscc=uscc, message=message, link=link)
    record_event(actor=None, action=PortalAction.NOTIFICATION_CREATED, obj=notification, changes={})


def notify_users(*, users, message: str, link: str = "") -> int:
    """Leave the same notice for each of ``users`` (called inside the caller's transaction).

    For people rather than entities: officers of a district, clerks. One audit event per
    notice, like ``notify_entity``. Returns how many notices were left.
    """
    from portal.models import Notification

    notifications = [
        Notification.objects.create(recipient=user, message=message, link=link) for user in users
    ]
    for notification in notifications:
        record_event(
            actor=None, action=PortalAction.NOTIFICATION_CREATED, obj=notification, changes={}
        )
    return len(notifications)


@transaction.atomic
def mark_notifications_read(*, acting_user) -> int:
    """Mark the user's unread notices (their own and their entity's) as read."""
    from django.utils import timezone

    from portal.models import Notification

    unread = Notification.objects.visible_to(acting_user).filter(read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    if count:
        record_event(
            actor=acting_user,
            action=PortalAction.NOTIFICATIONS_READ,
            obj=acting_user,
            changes={"n": count},
        )
    return count
