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
