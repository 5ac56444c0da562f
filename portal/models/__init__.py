from portal.models.accounts import Role, User
from portal.models.audit import AuditEvent
from portal.models.notifications import Notification
from portal.models.reference import Department, District

__all__ = ["AuditEvent", "Department", "District", "Notification", "Role", "User"]
