"""Celery tasks of the credential layer: thin wrappers that call one service."""

from celery import shared_task

from elicense import services


@shared_task(
    name="elicense.tasks.sign_certificate",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    soft_time_limit=30,
    time_limit=60,
)
def sign_certificate(certificate_id: int) -> str:
    """Sign one certificate after its issuing transaction committed."""
    return services.sign_certificate(certificate_id=certificate_id).status
