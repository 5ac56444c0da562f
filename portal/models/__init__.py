from portal.models.accounts import Role, User
from portal.models.audit import AuditEvent
from portal.models.counters import Counter
from portal.models.idempotency import SubmissionKey
from portal.models.notifications import Notification
from portal.models.outbox import OutboxMessage
from portal.models.reference import CalendarDay, Department, District

__all__ = [
    "AuditEvent",
    "CalendarDay",
    "Counter",
    "Department",
    "District",
    "Notification",
    "OutboxMessage",
    "Role",
    "SubmissionKey",
    "User",
]
