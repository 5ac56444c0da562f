"""Every write of the portal core, one module per topic; callers import from here."""

from portal.services.calendar import set_calendar_year
from portal.services.notices import mark_notifications_read, notify_entity, notify_users
from portal.services.records import delete_from_admin, save_from_admin

__all__ = [
    "delete_from_admin",
    "mark_notifications_read",
    "notify_entity",
    "notify_users",
    "save_from_admin",
    "set_calendar_year",
]
