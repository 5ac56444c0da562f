"""Celery tasks of the portal core: the outbox sweep and outgoing mail."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail as django_send_mail

from portal import audit_chain, outbox
from portal.taskbase import TRANSIENT_ERRORS


@shared_task(name="portal.tasks.sweep_outbox", soft_time_limit=120, time_limit=150)
def sweep_outbox() -> int:
    """Every OUTBOX_SWEEP_SECONDS: send again what was not sent or not acknowledged."""
    return outbox.sweep()


@shared_task(name="portal.tasks.seal_audit_chain", soft_time_limit=120, time_limit=150)
def seal_audit_chain() -> int:
    """Every AUDIT_SEAL_SECONDS: chain the audit events written since the last run."""
    return audit_chain.seal()


@shared_task(
    name="portal.tasks.send_mail",
    autoretry_for=(*TRANSIENT_ERRORS, smtplib.SMTPException),
    soft_time_limit=60,
    time_limit=90,
)
def send_mail(subject: str, body: str, address: str) -> int:
    """Send one e-mail to one address (through EMAIL_URL); a mail server outage retries."""
    return django_send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
