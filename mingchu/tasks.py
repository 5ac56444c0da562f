"""Celery tasks of the bright-kitchen project: thin wrappers that call one service."""

from celery import shared_task

from mingchu import services_reports


@shared_task(
    name="mingchu.tasks.remind_unsubmitted_reports",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def remind_unsubmitted_reports() -> int:
    """Daily: remind districts whose monthly report is not in as the 30th nears."""
    return len(services_reports.send_report_reminders())


@shared_task(
    name="mingchu.tasks.email_report_reminder",
    autoretry_for=(OSError,),  # smtplib errors are OSErrors
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def email_report_reminder(reminder_id: int) -> int:
    """E-mail one district's reminder to its officers."""
    return services_reports.email_report_reminder(reminder_id=reminder_id)
