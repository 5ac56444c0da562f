"""PostgreSQL drops every connection, or refuses new ones for a while: a real gunicorn
with persistent connections (CONN_MAX_AGE=60) answers the next request, and a 503 with
Retry-After (page or JSON) while the database is away, then recovers by itself.

Only the test's own database is touched: its other backends are terminated, and it is
closed to new connections with ALLOW_CONNECTIONS; the shared server keeps running.
"""

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from elicense.services.relying_parties import create_relying_party
from portal.identifiers import make_uscc
from tests.conftest import require
from tests.faults import free_port

PROGRESS = "/yiyeyizheng/progress/?number=YYZ2099010100001&code=X"


@pytest.fixture
def web(transactional_db):
    """gunicorn, two sync workers, persistent connections to the test database."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "CONN_MAX_AGE": "60",
        "REDIS_URL": "",
        "DEBUG": "true",
        "YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR": "1000",
        "RETRY_AFTER_SECONDS": "15",
    }
    process = subprocess.Popen(  # noqa: S603 - our own app server, fixed arguments
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _get(base + "/healthz")[0] != 200:
        assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
    except OSError:
        return None, {}, ""


def _backends() -> list[int]:
    """Every other backend connected to this test database (gunicorn's, here)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _terminate_others() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@contextlib.contextmanager
def database_closed_to_new_connections():
    """The test database refuses new connections (ALTER DATABASE runs from the
    maintenance database: PostgreSQL will not close the current one); others dropped."""
    db = connection.settings_dict
    name = connection.ops.quote_name(db["NAME"])
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"],
    )  # fmt: skip
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        _terminate_others()
        yield
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
        admin.close()


def _spread(url: str, rounds: int = 20) -> list[int]:
    """Statuses of concurrent requests, repeated until both gunicorn workers hold a
    connection: sequential requests may all land on one worker of a busy machine."""
    statuses = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(rounds):
            statuses += list(pool.map(lambda _: _get(url)[0], range(6)))
            if len(_backends()) >= 2:
                break
    return statuses


def _wait_for_backends(count: int, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while len(pids := _backends()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return pids


def test_after_every_connection_is_terminated_the_next_request_on_each_worker_succeeds(web):
    assert set(_spread(web + PROGRESS)) == {200}
    before = _wait_for_backends(2)
    assert len(before) == 2  # both workers hold a persistent connection

    assert _terminate_others() == 2

    statuses = _spread(web + PROGRESS)
    after = _wait_for_backends(2)
    assert set(statuses) == {200}  # no request failed on a dead connection
    assert len(after) == 2 and not set(after) & set(before)  # both workers reconnected


def test_while_the_database_is_away_pages_and_api_answer_503_then_recover(web):
    _, key = create_relying_party(name="美团外卖", peak_qps=50)
    uscc = make_uscc(division="310104", org_body="DB000001")
    api = (web + f"/api/v1/licences/{uscc}", {"Authorization": f"Bearer {key}"})
    assert _get(web + PROGRESS)[0] == 200

    with database_closed_to_new_connections():
        page = _get(web + PROGRESS)
        answer = _get(*api)

    assert page[0] == 503 and page[1]["Retry-After"] == "15"
    assert "系统繁忙，请稍后再试" in page[2]
    assert answer[0] == 503 and answer[1]["Retry-After"] == "15"
    assert answer[1]["Content-Type"].startswith("application/json")
    assert '"code": "service_unavailable"' in answer[2]
    assert [_get(web + PROGRESS)[0] for _ in range(6)] == [200] * 6
    assert _get(*api)[0] == 404  # an unknown holder, answered from the database again


def test_a_signed_in_clerk_gets_the_503_page_when_the_session_cannot_be_read(
    transactional_db, xuhui_clerk
):
    """The database error happens in middleware (reading the session), before any view:
    handler500 answers it as an outage too. In-process, because gunicorn runs with DEBUG
    (which shows Django's debug page instead of handler500)."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    browser = Client(raise_request_exception=False)
    browser.force_login(xuhui_clerk)
    assert browser.get("/licensing/entities/").status_code == 200

    with database_closed_to_new_connections():
        connection.close()  # this process's own connection too: the request must connect
        desk = browser.get("/licensing/entities/")
    connection.close()

    assert desk.status_code == 503 and desk["Retry-After"] == "30"
    assert "系统繁忙，请稍后再试" in desk.content.decode()
    assert browser.get("/licensing/entities/").status_code == 200


def test_after_every_connection_is_terminated_the_next_api_request_on_each_worker_succeeds(web):
    """The API path has no SELECT 1 before its statement (ADR 0033): the health check
    sees the closed socket instead, so no call answers 503 on a terminated connection."""
    _, key = create_relying_party(name="饿了么", peak_qps=1000)
    uscc = make_uscc(division="310104", org_body="DB000002")
    url, headers = web + f"/api/v1/licences/{uscc}", {"Authorization": f"Bearer {key}"}
    with ThreadPoolExecutor(max_workers=6) as pool:
        deadline = time.monotonic() + 30  # until both workers have booted and served
        while time.monotonic() < deadline:
            assert set(pool.map(lambda _: _get(url, headers)[0], range(6))) == {404}
            if len(_backends()) >= 2:
                break
    before = _wait_for_backends(2)
    assert len(before) == 2

    assert _terminate_others() == 2

    with ThreadPoolExecutor(max_workers=6) as pool:
        rounds = [pool.map(lambda _: _get(url, headers)[0], range(6)) for _ in range(5)]
        statuses = [status for answers in rounds for status in answers]
    after = _wait_for_backends(2)
    assert set(statuses) == {404}  # answered from the database, never 503
    assert len(after) == 2 and not set(after) & set(before)


def _admin_connection():
    db = connection.settings_dict
    admin = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"],
    )  # fmt: skip
    admin.autocommit = True
    return admin


def _last_statement(admin, pid: int) -> str | None:
    with admin.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else None


def test_the_health_check_of_an_idle_connection_sends_no_statement(transactional_db):
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    assert connection.health_check_enabled
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), 'before the check'")
        pid = cursor.fetchone()[0]
    admin = _admin_connection()
    try:
        connection.health_check_done = False  # as at the start of the next request
        connection.close_if_health_check_failed()
        assert connection.connection is not None and connection.health_check_done
        assert _last_statement(admin, pid) == "SELECT pg_backend_pid(), 'before the check'"
    finally:
        admin.close()


def test_a_terminated_connection_fails_the_health_check_and_is_replaced(transactional_db):
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while _last_statement(admin, pid) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        connection.health_check_done = False
        connection.close_if_health_check_failed()
        assert connection.connection is None  # closed, not handed to the request
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        admin.close()


def test_a_statement_failing_on_a_live_connection_is_not_sent_again(transactional_db):
    """Only a connection found broken is retried: a statement cancelled by a timeout on a
    live connection answers its error once (a sequence shows whether it ran twice)."""
    from django.db.utils import OperationalError

    require(connection.vendor == "postgresql", "needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY SEQUENCE sent_once")
        cursor.execute("SET statement_timeout = 100")
    connection.health_check_done = False  # as at the start of the next request
    connection.close_if_health_check_failed()
    assert connection.unproven  # the next statement is the request's first

    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT nextval('sent_once'), pg_sleep(2)")

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SELECT last_value FROM sent_once")
        assert cursor.fetchone()[0] == 1
