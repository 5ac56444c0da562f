"""Liveness (/healthz) and readiness (/readyz), with django-health-check's checks.

``/healthz`` says the process answers; it touches neither database nor Redis, so a
container is not restarted because a shared service is away. ``/readyz`` runs the checks
listed in ``settings.READINESS_CHECKS`` (ADR 0012): a check that fails answers 503 (take
this node out of rotation); a check that raises ``ServiceWarning`` reports "degraded" and
the node stays ready, because the portal still serves without it (Redis, workers).
To add a check, write a django-health-check ``HealthCheck`` subclass in the app that owns
the component and list its dotted path in ``READINESS_CHECKS``.
"""

import asyncio
import dataclasses
import datetime

import celery
from celery import current_app as celery_app
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceWarning
from health_check.views import HealthCheckView
from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError


@never_cache
def healthz(request):
    """The process is up and answers; nothing else is asked."""
    return HttpResponse("ok", content_type="text/plain")


class ReadinessView(HealthCheckView):
    """Run ``settings.READINESS_CHECKS`` concurrently; JSON; 503 only on a failure."""

    @property
    def checks(self):
        return settings.READINESS_CHECKS

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        checks, failed, degraded = {}, False, False
        for result in results:
            error = result.error
            if error is None:
                status = "ok"
            elif isinstance(error, ServiceWarning):
                status, degraded = "degraded", True
            else:
                status, failed = "unavailable", True
            checks[repr(result.check)] = {
                "status": status,
                "message": error.message if error else "正常",
                "seconds": round(result.time_taken, 3),
            }
        overall = "unavailable" if failed else "degraded" if degraded else "ok"
        return JsonResponse(
            {"status": overall, "checks": checks},
            status=503 if failed else 200,
            json_dumps_params={"ensure_ascii": False},
        )


@dataclasses.dataclass
class Redis(HealthCheck):
    """Redis (cache and task queue) answers a PING; without it the portal degrades.

    Not configured (``REDIS_URL`` empty): nothing to check, tasks run in-process.
    """

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=1), repr=False
    )

    async def run(self):
        if not settings.REDIS_URL:
            return
        seconds = self.timeout.total_seconds()
        client = redis_asyncio.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=seconds, socket_timeout=seconds
        )
        try:
            await client.ping()
        except (RedisError, OSError) as error:
            raise ServiceWarning(
                "Redis 不可达：缓存暂停使用，任务暂无法入队；页面和接口照常服务。"
            ) from error
        finally:
            await client.aclose()


def expected_queues(app) -> set[str]:
    """The queues some worker must consume: the default one, and with queues by kind
    (ADR 0026) every kind's queue."""
    queues = {app.conf.task_default_queue}
    if settings.CELERY_QUEUES_BY_KIND:
        queues |= set(settings.TASK_QUEUES.values())
    return queues


@dataclasses.dataclass
class CeleryWorkers(Ping):
    """Every queue the portal sends to is consumed by a worker that answers a ping.

    The workers that answer within the timeout are asked which queues they consume; a
    queue nobody consumes is named (degraded: its tasks wait). Tasks run in-process when
    no broker is configured: nothing to check then.
    """

    app: celery.Celery = dataclasses.field(default_factory=lambda: celery_app, repr=False)
    #: Every worker that answers in time, not the first: each queue has its own (ADR 0026).
    limit: int | None = dataclasses.field(default=None, repr=False)

    def run(self):
        if self.app.conf.task_always_eager:
            return
        try:
            # Fail fast on a lost broker: the ping's own publish retries for seconds.
            with self.app.connection_for_read() as broker:
                broker.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        except Exception as error:
            raise ServiceWarning("任务队列（Redis）不可达：新任务暂无法入队。") from error
        try:
            super().run()
        except ServiceWarning:
            raise
        except Exception as error:
            raise ServiceWarning(
                "没有在线的任务进程：签章、PDF、批量核验等任务排队等待，进程恢复后继续。"
            ) from error

    def check_active_queues(self, *active_workers):
        replies = self.app.control.inspect(list(active_workers)).active_queues() or {}
        consumed = {queue.get("name") for queues in replies.values() for queue in queues}
        missing = sorted(expected_queues(self.app) - consumed)
        if missing:
            raise ServiceWarning(
                f"以下任务队列没有在线的任务进程：{'、'.join(missing)}；"
                "这些任务排队等待，进程恢复后继续。"
            )
