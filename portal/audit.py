"""Writing audit events. Every service calls ``record_event`` inside its transaction.

The actions are ``TextChoices`` (ADR 0020): the core's own ``PortalAction`` here, each app's
``<App>Action`` in its ``<app>/audit.py``, all subclasses of ``AuditAction``. Services pass
a member (``MingchuAction.REPORT_SUBMITTED``), never a string; the value is the stable
``<object>.<verb>`` name stored in ``AuditEvent.action`` and sealed in the audit chain, the
label the Chinese the audit pages show. ``collect_actions`` (``PortalConfig.ready``) imports
every app's ``audit`` module once and refuses a value declared twice.
"""

import json
from contextvars import ContextVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.module_loading import autodiscover_modules

from portal.models import AuditEvent

#: Set per request by ``portal.middleware.ClientAddressMiddleware``; None outside requests
#: (management commands, Celery tasks), where the audit row has no client address.
current_client_address: ContextVar[str | None] = ContextVar("current_client_address", default=None)


class AuditAction(models.TextChoices):
    """The base of every app's audit actions (no members of its own)."""


class PortalAction(AuditAction):
    CALENDAR_YEAR_SET = "calendar.year_set", "导入年度节假日安排"
    OUTBOX_REQUEUED = "outbox.requeued", "重新派发待办任务"
    NOTIFICATION_CREATED = "notification.created", "发送站内通知"
    NOTIFICATIONS_READ = "notifications.read", "通知标为已读"
    USER_CREATED = "user.created", "新建用户（系统管理）"
    USER_CHANGED = "user.changed", "修改用户（系统管理）"
    USER_DELETED = "user.deleted", "删除用户（系统管理）"
    DISTRICT_CREATED = "district.created", "新建区（系统管理）"
    DISTRICT_CHANGED = "district.changed", "修改区（系统管理）"
    DISTRICT_DELETED = "district.deleted", "删除区（系统管理）"
    DEPARTMENT_CREATED = "department.created", "新建部门（系统管理）"
    DEPARTMENT_CHANGED = "department.changed", "修改部门（系统管理）"
    DEPARTMENT_DELETED = "department.deleted", "删除部门（系统管理）"
    ACCOUNT_PASSWORD_RESET = "account.password_reset", "通过邮件重设密码"


#: Chinese labels of every app's audit actions by value, filled once by ``collect_actions``.
ACTION_LABELS: dict[str, str] = {}


def collect_actions() -> dict[str, str]:
    """Import every installed app's ``audit`` module and index its actions' labels; a value
    declared by two enums is an error (it would be read with the wrong label)."""
    autodiscover_modules("audit")
    labels: dict[str, str] = {}
    for enum in AuditAction.__subclasses__():
        for action in enum:
            if action.value in labels:
                raise ValueError(f"audit action {action.value!r} is declared twice")
            labels[action.value] = action.label
    ACTION_LABELS.clear()
    ACTION_LABELS.update(labels)
    return ACTION_LABELS


def action_for(value: str) -> AuditAction | str:
    """The declared action with this value (for names composed at run time, such as the
    admin's ``<model>.changed``); a name no app declares stays a plain string, unlabelled."""
    for enum in AuditAction.__subclasses__():
        try:
            return enum(value)
        except ValueError:
            continue
    return value


def _jsonable(changes):
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))


def record_event(
    *,
    actor,
    action: AuditAction | str,
    obj=None,
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one audit row for ``action`` on ``obj`` by ``actor`` (None for the system).

    A write that changes no single row (a whole year of the working-day calendar) names its
    object instead: ``object_type`` (``app.thing``), ``object_id`` and ``object_repr``.
    """
    if obj is not None:
        object_type, object_id, object_repr = obj._meta.label_lower, str(obj.pk), str(obj)
    if not (object_type and object_id):
        raise ValueError("record_event needs obj, or object_type and object_id")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None else "系统"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=_jsonable(changes or {}),
        client_address=current_client_address.get(),
    )


def diff(before: dict, after: dict) -> dict:
    """Return ``{field: [old, new]}`` for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}
