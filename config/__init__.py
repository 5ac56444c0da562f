"""The Django project: settings, the root URLconf with the NinjaAPI, the Celery app, WSGI/ASGI.

Importing it (as DJANGO_SETTINGS_MODULE=config.settings does) loads the Celery app, so
``@shared_task`` and ``celery.current_app`` in every app use it.
"""

from config.celery import app as celery_app

__all__ = ["celery_app"]
