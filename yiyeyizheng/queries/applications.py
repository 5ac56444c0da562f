"""Home-page panels of the application workflow: the window's queue, the department's items."""

from dataclasses import dataclass

from yiyeyizheng.models import Application, ItemReview


@dataclass(frozen=True)
class ClerkPanel:
    waiting: int


@dataclass(frozen=True)
class ReviewerPanel:
    open: int
    overdue: int


def clerk_summary(request) -> ClerkPanel:
    return ClerkPanel(waiting=Application.objects.queue_of(request.user).count())


def reviewer_summary(request) -> ReviewerPanel:
    mine = ItemReview.objects.visible_to(request.user)
    return ReviewerPanel(open=mine.open().count(), overdue=mine.overdue().count())
