"""In-portal notices: shown on the home page, marked read by the user."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from portal.models import Notification
from portal.services import mark_notifications_read
from portal.views.home import NotificationsPanel


def unread_notifications(request) -> NotificationsPanel:
    return NotificationsPanel(
        notifications=list(
            Notification.objects.visible_to(request.user).filter(read_at__isnull=True)[:10]
        )
    )


@login_required
@require_POST
def mark_read(request):
    mark_notifications_read(acting_user=request.user)
    return redirect("portal:home")
