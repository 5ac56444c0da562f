"""Corrections of a demo store's construction stage (更正建设进度).

A district officer advances a store one stage at a time after a confirmation; a stage recorded
in error is put back by the city bureau, never silently: the correction names its reason, and
the audit event keeps the stage and the dated history rows it removed.
"""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from mingchu.audit import MingchuAction
from mingchu.models import STAGE_ORDER, DemoStore, Stage
from portal.audit import record_event


@transaction.atomic
def correct_store_stage(*, acting_user, store, stage: str, reason: str) -> DemoStore:
    """Put ``store`` back to an earlier ``stage``: the history rows of the later stages go
    (the trend charts and roll-ups read them), the audit event keeps them with the reason."""
    if not rules.has_perm("mingchu.correct_store_stage", acting_user):
        raise PermissionDenied("只有市局人员可以更正建设进度。")
    store = DemoStore.objects.visible_to(acting_user).select_for_update().get(pk=store.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正原因。"})
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": "请选择要更正到的建设进度。"})
    if STAGE_ORDER.index(stage) >= STAGE_ORDER.index(store.stage):
        raise ValidationError(
            {"stage": f"只能更正到当前进度（{store.get_stage_display()}）之前的阶段。"}
        )
    later = STAGE_ORDER[STAGE_ORDER.index(stage) + 1 :]
    removed = store.stage_history.filter(stage__in=later).order_by("on", "id")
    removed_rows = [f"{Stage(row.stage).label} {row.on:%Y-%m-%d}" for row in removed]
    removed.delete()
    before = store.stage
    store.stage = stage
    store.save(update_fields=["stage"])
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_STAGE_CORRECTED,
        obj=store,
        changes={"stage": [before, stage], "removed": removed_rows, "reason": reason},
    )
    return store
