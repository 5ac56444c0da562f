"""Beyond one machine (ADR 0026), with real processes: two gunicorn web processes and two
Celery workers (one on ``signing``, one on ``bulk``) against the same PostgreSQL and a
private Redis. A session signed in on one web process works on the other; a revoked API
key fails on both at once; a 20,000-row bulk check on ``bulk`` does not hold up a licence's
signing on ``signing``: the certificate is signed while the bulk check is still running."""

import html
import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.urls import reverse
from health_check.exceptions import ServiceWarning

from config.celery import app as celery_app
from elicense.models import Certificate
from elicense.services.relying_parties import create_relying_party, revoke_api_key
from licensing import services as licensing_services
from licensing.models import BulkCheck
from portal.health import CeleryWorkers
from tests.conftest import KEY_PASSPHRASE, celery_broker, require
from tests.factories import register
from tests.faults import free_port, private_redis
from tests.licensing.test_worker_faults import _merchant_list

pytestmark = pytest.mark.celery_worker

PASSWORD = "cross-process-Pa55"


def _wait_for(predicate, seconds=60, step=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Cluster:
    """Processes of one deployment, all on the test database and one Redis."""

    def __init__(self, redis_url: str):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "REDIS_URL": redis_url,
            "CELERY_QUEUES_BY_KIND": "true",
            "ELICENSE_KEY_PASSPHRASE": KEY_PASSPHRASE,
            "SECRET_KEY": f"cross-process-{uuid.uuid4().hex}",  # one key for every web node
            "DEBUG": "true",
            "CONN_MAX_AGE": "0",
        }
        self.processes: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.webs: list[str] = []

    def _start(self, *args) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 - our own processes, fixed arguments
            [sys.executable, "-m", *args], env=self.env, cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def web(self) -> str:
        port = free_port()
        self._start(
            "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--threads", "2", "--log-level", "warning", "--no-control-socket",
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        self.webs.append(base)
        return base

    def worker(self, queue: str) -> None:
        node = f"{queue}-{uuid.uuid4().hex[:6]}@%h"
        self.workers.append(self._start(
            "celery", "-A", "config", "worker", "-Q", queue, "-n", node,
            "--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
            "-l", "warning",
        ))  # fmt: skip

    def wait_for_webs(self) -> None:
        def up(base):
            try:
                return requests.get(f"{base}/healthz", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        for base in self.webs:
            assert _wait_for(lambda base=base: up(base), seconds=60), f"{base} did not start"

    def stop(self) -> None:
        """Workers are killed (a warm shutdown would finish the 20,000-row check first);
        the web processes are asked to stop."""
        for process in self.processes:
            if process.poll() is not None:
                continue
            if process in self.workers:
                process.kill()
            else:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def cluster(transactional_db, settings):
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    settings.CELERY_QUEUES_BY_KIND = True
    with private_redis() as redis_server, celery_broker(redis_server.url):
        processes = Cluster(redis_server.url)
        try:
            processes.web(), processes.web()
            processes.worker("signing"), processes.worker("bulk")
            processes.wait_for_webs()
            yield processes
        finally:
            processes.stop()


def _sign_in(session: requests.Session, base: str, username: str) -> None:
    login = f"{base}{reverse('portal:login')}"
    page = session.get(login, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    answer = session.post(
        login,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": html.unescape(token[1]),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]


def test_two_web_processes_and_two_workers_share_sessions_keys_and_queues(
    cluster, xuhui_clerk, signing_key
):
    first, second = cluster.webs
    entities = reverse("licensing:entity_list")

    # A session signed in on one web process works on the other.
    argon2 = Argon2PasswordHasher()  # what the web processes check (tests hash with MD5)
    xuhui_clerk.password = argon2.encode(PASSWORD, argon2.salt())
    xuhui_clerk.save(update_fields=["password"])
    browser = requests.Session()
    assert browser.get(f"{second}{entities}", allow_redirects=False, timeout=10).status_code == 302
    _sign_in(browser, first, xuhui_clerk.username)
    on_second = browser.get(f"{second}{entities}", allow_redirects=False, timeout=10)
    assert on_second.status_code == 200 and 'name="password"' not in on_second.text

    # A revoked API key fails on both, at once.
    party, key = create_relying_party(name="跨进程测试平台", peak_qps=50)
    verify = reverse("api_v1:verify")

    def answer(base):
        return requests.post(
            f"{base}{verify}", json={"token": "not-a-token"},
            headers={"Authorization": f"Bearer {key}"}, timeout=10,
        )  # fmt: skip

    assert [answer(base).json()["result"] for base in (first, second)] == ["malformed"] * 2
    revoke_api_key(acting_user=None, party=party, reason="测试停用")
    assert [answer(base).status_code for base in (first, second)] == [401, 401]

    # A long bulk check on `bulk` does not delay a signing on `signing`.
    check = licensing_services.create_bulk_check(
        file_name="merchants.csv", data=_merchant_list(xuhui_clerk)
    )
    assert _wait_for(lambda: BulkCheck.objects.get(pk=check.pk).status == "running", seconds=60)
    entity = register(xuhui_clerk, name="上海跨进程签章有限公司")  # commits: signing is queued
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    assert _wait_for(
        lambda: Certificate.objects.get(pk=certificate.pk).status == "active", seconds=60
    )
    during = BulkCheck.objects.defer("source", "result").get(pk=check.pk)
    assert during.status == "running" and during.done_rows < during.total_rows

    # Readiness names the queues no worker consumes (here only signing and bulk run).
    with pytest.raises(ServiceWarning) as degraded:
        CeleryWorkers(app=celery_app).run()
    assert "documents、notices、portal、reports" in str(degraded.value.message)
