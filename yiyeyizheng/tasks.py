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


@shared_task(
    name="yiyeyizheng.tasks.attach_filed_licence",
    soft_time_limit=60,
    time_limit=90,
)
def attach_filed_licence(filing_id: int) -> int | None:
    """执照存档: render the scanned licence's PDF if need be and attach it to the case."""
    from yiyeyizheng.services.filings import attach_filed_licence

    return attach_filed_licence(filing_id=filing_id)
