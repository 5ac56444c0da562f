"""Celery tasks of the credential layer: thin wrappers that call one service."""

from celery import shared_task

from elicense import services


@shared_task(
    name="elicense.tasks.sign_certificate",
    soft_time_limit=30,
    time_limit=60,
)
def sign_certificate(certificate_id: int) -> str:
    """Sign one certificate after its issuing transaction committed."""
    return services.sign_certificate(certificate_id=certificate_id).status


@shared_task(
    name="elicense.tasks.render_certificate_pdf",
    soft_time_limit=60,
    time_limit=90,
)
def render_certificate_pdf(certificate_id: int) -> str:
    """Render and cache the PDF copy of one signed certificate."""
    return services.render_certificate_pdf(certificate_id=certificate_id)


@shared_task(
    name="elicense.tasks.publish_changes",
    soft_time_limit=240,
    time_limit=300,
)
def publish_changes() -> int:
    """Sequence committed change events and deliver what the webhook endpoints are owed."""
    from elicense.services.webhooks import publish_changes

    return publish_changes()


@shared_task(
    name="elicense.tasks.expire_ended_certificates",
    soft_time_limit=600,
    time_limit=900,
)
def expire_ended_certificates() -> int:
    """The nightly expiry of certificates (one change event each)."""
    from elicense.services.expiry import expire_ended_certificates

    return expire_ended_certificates()


@shared_task(
    name="elicense.tasks.maintain_verification_partitions",
    soft_time_limit=600,
    time_limit=900,
)
def maintain_verification_partitions() -> dict:
    """Daily: make the verification log's coming partitions, detach the expired ones."""
    from elicense.services.verification_partitions import maintain_verification_partitions

    return maintain_verification_partitions()
