"""Writing audit events. Every service calls ``record_event`` inside its transaction."""

import json
from contextvars import ContextVar

from django.core.serializers.json import DjangoJSONEncoder

from portal.models import AuditEvent

#: Set per request by ``portal.middleware.ClientAddressMiddleware``; None outside requests
#: (management commands, Celery tasks), where the audit row has no client address.
current_client_address: ContextVar[str | None] = ContextVar("current_client_address", default=None)


#: Chinese labels of audit actions; each app adds its own in ``AppConfig.ready()``.
ACTION_LABELS: dict[str, str] = {}


def register_action_labels(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def _jsonable(changes):
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))


def record_event(
    *,
    actor,
    action: str,
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
