"""The Celery application. With no REDIS_URL, tasks run eagerly in-process (settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

#: Every task gets the portal task base: transient-only retries, late acks, outbox acks.
app = Celery("portal", task_cls="portal.taskbase:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
#: The default app in every thread, so the core asks ``celery.current_app`` instead of
#: importing the project package (portal sits below config).
app.set_default()


def route_by_kind(name, args, kwargs, options, task=None, **kw):
    """The queue of a task's kind (settings.TASK_QUEUES, ADR 0026); None: the default queue.

    An explicit ``queue=`` given to ``apply_async`` still wins (Celery asks routes only for
    what the caller left open).
    """
    from django.conf import settings

    if not settings.CELERY_QUEUES_BY_KIND:
        return None
    queue = settings.TASK_QUEUES.get(name)
    return {"queue": queue} if queue else None
