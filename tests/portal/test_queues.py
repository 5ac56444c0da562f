"""Queues by kind (ADR 0026): Celery's own router sends each task to its kind's queue, the
rest to the default queue, and an explicit queue still wins."""

import pytest
from django.conf import settings

from config.celery import app


@pytest.fixture(scope="module")
def router():
    app.loader.import_default_modules()
    return app.amqp.router


def _queue(router, name, **options) -> str:
    return router.route(options, name)["queue"].name


def test_every_routed_task_exists_and_goes_to_its_kinds_queue(router):
    for name, kind in settings.TASK_QUEUES.items():
        assert name in app.tasks, f"{name} is routed but not registered"
        assert _queue(router, name) == kind
    assert _queue(router, "elicense.tasks.sign_certificate") == "signing"
    assert _queue(router, "licensing.tasks.run_bulk_check") == "bulk"
    assert _queue(router, "mingchu.tasks.build_monthly_rollup") == "reports"


def test_housekeeping_stays_on_the_default_queue_and_an_explicit_queue_wins(router):
    assert _queue(router, "portal.tasks.sweep_outbox") == settings.CELERY_TASK_DEFAULT_QUEUE
    assert _queue(router, "elicense.tasks.sign_certificate", queue="elsewhere") == "elsewhere"


def test_one_queue_for_everything_when_queues_by_kind_is_off(router, settings):
    settings.CELERY_QUEUES_BY_KIND = False
    assert _queue(router, "elicense.tasks.sign_certificate") == app.conf.task_default_queue
    assert _queue(router, "licensing.tasks.run_bulk_check") == app.conf.task_default_queue
