"""Home-page panels of the application workflow: the window's queue, the department's items."""

from yiyeyizheng.models import Application, ItemReview


def clerk_summary(request):
    return {"waiting": Application.objects.queue_of(request.user).count()}


def reviewer_summary(request):
    mine = ItemReview.objects.visible_to(request.user)
    return {"open": mine.open().count(), "overdue": mine.overdue().count()}
