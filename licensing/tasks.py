"""Celery tasks of the register: thin wrappers that call one service."""

from celery import shared_task

from licensing import services


@shared_task(
    name="licensing.tasks.expire_food_licences",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def expire_food_licences() -> int:
    """Daily: mark food licences past their validity as expired."""
    return services.expire_food_licences()


@shared_task(
    name="licensing.tasks.run_bulk_check",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=1800,
    time_limit=1900,
)
def run_bulk_check(bulk_check_id: int) -> str:
    """Check one uploaded merchant list."""
    return services.run_bulk_check(bulk_check_id=bulk_check_id).status


@shared_task(
    name="licensing.tasks.recheck_supplier_lists",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=1800,
    time_limit=1900,
)
def recheck_supplier_lists() -> int:
    """Daily: re-check supplier lists and alert owners."""
    return services.recheck_supplier_lists()
