"""The home page: a public landing page, or the signed-in user's role dashboard."""

from dataclasses import dataclass

from django.shortcuts import render

from portal.hooks import registry


@dataclass(frozen=True)
class ShownPanel:
    """A panel on the page: its template and the read model the template reads as ``panel``."""

    template: str
    data: object


@dataclass(frozen=True)
class AccountPanel:
    """The account block needs nothing but the signed-in user."""


@dataclass(frozen=True)
class NotificationsPanel:
    notifications: list


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/home_public.html", {"public_links": registry.public_links})
    panels = []
    for panel in registry.panels_for(user):
        data = panel.context(request)
        if panel.when is None or panel.when(data):
            panels.append(ShownPanel(template=panel.template, data=data))
    return render(request, "portal/home.html", {"panels": panels})
