"""Celery tasks of the register: thin wrappers that call one service."""

from celery import shared_task

from licensing import services


@shared_task(
    name="licensing.tasks.expire_food_licences",
    soft_time_limit=300,
    time_limit=360,
)
def expire_food_licences() -> int:
    """Daily: mark food licences past their validity as expired."""
    return services.expire_food_licences()


@shared_task(
    name="licensing.tasks.run_bulk_check",
    bind=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def run_bulk_check(self, bulk_check_id: int) -> str:
    """Check one uploaded merchant list, or go on with it from its last chunk."""
    return services.run_bulk_check(bulk_check_id=bulk_check_id, runner=self.request.id).status


@shared_task(name="licensing.tasks.resume_stalled_bulk_checks", soft_time_limit=120, time_limit=150)
def resume_stalled_bulk_checks() -> int:
    """Every OUTBOX_SWEEP_SECONDS: send again the checks whose worker went silent."""
    return services.resume_stalled_bulk_checks()


@shared_task(
    name="licensing.tasks.recheck_supplier_lists",
    soft_time_limit=1800,
    time_limit=1900,
)
def recheck_supplier_lists() -> int:
    """Daily: re-check supplier lists and alert owners."""
    return services.recheck_supplier_lists()
