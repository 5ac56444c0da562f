"""The Celery application. With no REDIS_URL, tasks run eagerly in-process (settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

#: Every task gets the portal task base: transient-only retries, late acks, outbox acks.
app = Celery("portal", task_cls="portal.taskbase:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
