"""Every write of the portal core, one module per topic; callers import from here."""

from portal.services.calendar import set_calendar_year
from portal.services.counters import CounterExhausted, hold_counter, take_counter
from portal.services.notices import mark_notifications_read, notify_entity, notify_users
from portal.services.records import delete_from_admin, save_from_admin

__all__ = [
    "CounterExhausted",
    "delete_from_admin",
    "hold_counter",
    "mark_notifications_read",
    "notify_entity",
    "notify_users",
    "save_from_admin",
    "set_calendar_year",
    "take_counter",
]
