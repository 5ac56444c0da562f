"""Celery tasks of the bright-kitchen project: thin wrappers that call one service."""

import smtplib

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from mingchu.queries.rollups import previous_month
from mingchu.services import reports as services_reports
from mingchu.services.rollups import build_city_rollup
from portal.taskbase import TRANSIENT_ERRORS


@shared_task(
    name="mingchu.tasks.remind_unsubmitted_reports",
    soft_time_limit=300,
    time_limit=360,
)
def remind_unsubmitted_reports() -> int:
    """Daily: remind districts whose monthly report is not in as the 30th nears."""
    return len(services_reports.send_report_reminders())


@shared_task(
    name="mingchu.tasks.email_report_reminder",
    autoretry_for=(*TRANSIENT_ERRORS, smtplib.SMTPException),
    soft_time_limit=60,
    time_limit=90,
)
def email_report_reminder(reminder_id: int) -> int:
    """E-mail one district's reminder to its officers."""
    return services_reports.email_report_reminder(reminder_id=reminder_id)


@shared_task(
    name="mingchu.tasks.build_monthly_rollup",
    soft_time_limit=300,
    time_limit=360,
)
def build_monthly_rollup(
    year: int | None = None, month: int | None = None, acting_user_id: int | None = None
) -> int:
    """Build a new roll-up revision; with no period, the previous month (the beat run).

    Returns the revision number.
    """
    if year is None or month is None:
        year, month = previous_month(timezone.localdate())
    user = get_user_model().objects.get(pk=acting_user_id) if acting_user_id else None
    return build_city_rollup(acting_user=user, year=year, month=month).revision
