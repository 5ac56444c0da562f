"""Celery tasks of the application workflow: thin wrappers that call one service."""

from celery import shared_task

from yiyeyizheng.services import reviews


@shared_task(
    name="yiyeyizheng.tasks.remind_overdue_reviews",
    soft_time_limit=300,
    time_limit=360,
)
def remind_overdue_reviews() -> int:
    """Daily: remind departments of their reviews past due."""
    return reviews.remind_overdue_reviews()
