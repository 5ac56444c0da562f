"""Reads for the progress timeline (办件进度公开) and the public lookup.

The timeline is the application's audit events: every step is already recorded there by the
services, so nothing can be shown that did not happen.
"""

import hmac
from dataclasses import dataclass

from portal.identifiers import normalise_identifier
from portal.models import AuditEvent
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import Application

#: Steps shown to the public (no drafts' editing, no names of officials).
PUBLIC_STEPS = {
    YiyeyizhengAction.YYZ_APPLICATION_SUBMITTED,
    YiyeyizhengAction.YYZ_APPLICATION_WITHDRAWN,
    YiyeyizhengAction.YYZ_APPLICATION_RETURNED,
    YiyeyizhengAction.YYZ_APPLICATION_ACCEPTED,
    YiyeyizhengAction.YYZ_APPLICATION_CORRECTED,
    YiyeyizhengAction.YYZ_REVIEW_APPROVED,
    YiyeyizhengAction.YYZ_REVIEW_REJECTED,
    YiyeyizhengAction.YYZ_REVIEW_CORRECTION_REQUESTED,
    YiyeyizhengAction.YYZ_APPLICATION_APPROVED,
    YiyeyizhengAction.YYZ_APPLICATION_REJECTED,
    YiyeyizhengAction.YYZ_APPLICATION_LICENSED,
    YiyeyizhengAction.YYZ_APPLICATION_COMPLETED,
}


@dataclass(frozen=True)
class Step:
    at: object
    label: str
    detail: str
    actor: str


def _detail(event: AuditEvent) -> str:
    changes = event.changes or {}
    if event.action.startswith("yyz_review."):
        return f"{changes.get('item', '')}（{changes.get('department', '')}）"
    if event.action == YiyeyizhengAction.YYZ_APPLICATION_LICENSED:
        return f"许可证编号 {changes.get('licence', '')}，第{changes.get('version', '')}版"
    if event.action == YiyeyizhengAction.YYZ_APPLICATION_ACCEPTED:
        routed = changes.get("routed") or []
        return f"已同步推送：{'；'.join(routed)}" if routed else ""
    return ""


def timeline(application: Application, *, public: bool = False) -> list[Step]:
    events = AuditEvent.objects.for_object(application).order_by("created_at", "pk")
    if public:
        events = events.filter(action__in=PUBLIC_STEPS)
    return [
        Step(event.created_at, event.action_label, _detail(event), event.actor_label)
        for event in events
    ]


def lookup(number: str, code: str) -> Application | None:
    """The application with this number whose code matches (constant-time), else None: a
    wrong code reads exactly like an unknown number."""
    number, code = normalise_identifier(number), normalise_identifier(code)
    application = Application.objects.filter(number=number).exclude(status="draft").first()
    expected = application.verification_code if application else "0" * 10
    if hmac.compare_digest(expected.encode(), code.encode()) and application is not None:
        return application
    return None
