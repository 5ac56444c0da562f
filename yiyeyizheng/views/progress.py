"""The public progress lookup (办件进度公开): number + code, no login, no enumeration."""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from portal.middleware import client_address
from yiyeyizheng.forms.applications import ProgressForm
from yiyeyizheng.queries.progress import lookup, timeline

NOT_FOUND = "未找到该申请：请核对申请编号和查询码。"
WINDOW_SECONDS = 3600


def _allowed(request) -> bool:
    """A fixed hourly budget of lookups per client address (guessing codes is pointless).

    While the cache is away (Redis lost: django-redis answers None) nothing can be
    counted and the lookup is allowed; it still needs the number and its code.
    """
    key = f"yyz:progress:{client_address(request) or ''}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count is None or count <= settings.YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR


@never_cache
def progress(request):
    form = ProgressForm(request.GET or None)
    application, steps, error = None, [], None
    if request.GET and form.is_valid():
        if not _allowed(request):
            error = "查询过于频繁，请一小时后再试。"
        else:
            application = lookup(form.cleaned_data["number"], form.cleaned_data["code"])
            if application is None:
                error = NOT_FOUND
            else:
                steps = timeline(application, public=True)
    status = 429 if error and error != NOT_FOUND else 200
    return render(
        request,
        "yiyeyizheng/application_progress.html",
        {
            "form": form,
            "application": application,
            "steps": steps,
            "error": error,
            "reviews": application.reviews.select_related("department") if application else [],
        },
        status=status,
    )
