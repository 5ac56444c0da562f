"""The home page: a public landing page, or the signed-in user's role dashboard."""

from django.shortcuts import render

from portal.hooks import registry


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/home_public.html", {"public_links": registry.public_links})
    panels = []
    for panel in registry.panels_for(user):
        context = panel.context(request)
        if panel.when is None or panel.when(context):
            panels.append({"template": panel.template, **context})
    return render(request, "portal/home.html", {"panels": panels})
