import contextlib
import os
import uuid

import pytest
from django.core.management import call_command
from django.db.models.signals import post_migrate
from hypothesis import settings as hypothesis_settings

from tests import database_flush, database_template

#: No Hypothesis deadline anywhere (deadline=None): a property test asserts properties, not
#: wall time. On a shared 2-core machine the first example (imports, a cold cache) often
#: took longer than the default 200 ms and failed test_identifiers.py at random; timing
#: belongs in bench/ as ratios against a baseline measured in the same run.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.load_profile("portal")

#: In CI (.ci/run) the tests that need PostgreSQL, Redis or Chromium must run, not skip.
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service is absent locally; fail it in CI, where it must run."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def _redis_url_of_this_worker() -> None:
    """Under pytest-xdist (``make test``: ``-n 2``) each worker process gets a Redis
    database of its own, as it gets a test database of its own (``test_<name>_gw0``...):
    keys that production code fixes (``portal:ratelimit:rp:<party id>``) would otherwise mix
    the workers' parties, whose ids start alike in each worker's database. Worker ``gwN``
    takes the database ``REDIS_URL`` names plus N, or the Nth of ``PORTAL_TEST_REDIS_DBS``
    (comma-separated numbers) when set. The environment is changed too, for the worker
    processes the tests start (Celery, drainers). Alone (no xdist) nothing changes."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    number = int(worker[2:])
    parts = urlsplit(settings.REDIS_URL)
    if os.environ.get("PORTAL_TEST_REDIS_DBS"):
        db = int(os.environ["PORTAL_TEST_REDIS_DBS"].split(",")[number])
    else:
        db = int(parts.path.strip("/") or 0) + number
    url = urlunsplit(parts._replace(path=f"/{db}"))
    os.environ["REDIS_URL"] = url
    settings.REDIS_URL = url
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": url},
    }
    settings.CELERY_BROKER_URL = url
    from config.celery import app

    app.conf.broker_url = url


_redis_url_of_this_worker()
database_template.install()  # the workers copy one migrated test database (ADR 0034)
database_flush.install()  # a transactional test's teardown empties only the tables it filled


#: The modules that take longest (``--durations``; docs/performance.md, "The test suite"),
#: longest first. Under xdist they are handed out first, so that no long module starts
#: last while the other worker has nothing left to do. A stale list costs balance only.
LONGEST_FIRST = (
    "tests/e2e/test_crawl_accessibility_city.py",
    "tests/e2e/test_crawl_accessibility_people.py",
    "tests/e2e/test_accessibility.py",
    "tests/portal/test_audit_chain.py",
    "tests/licensing/test_worker_faults.py",
    "tests/portal/test_one_truth_stateful.py",
    "tests/elicense/test_change_feed.py",
    "tests/elicense/test_pdf.py",
    "tests/licensing/test_hostile_uploads.py",
    "tests/portal/test_smoke_crawl.py",
    "tests/portal/test_database_faults.py",
    "tests/portal/test_health.py",
    "tests/portal/test_settings.py",
    "tests/yiyeyizheng/test_agent_permissions.py",
    "tests/licensing/test_celery_worker.py",
    "tests/portal/test_cross_process.py",
    "tests/elicense/test_webhook_e2e.py",
    "tests/portal/test_login_lockout.py",
    "tests/e2e/test_yiyeyizheng_flow.py",
    "tests/e2e/test_mingchu_acceptance.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist, the longest modules first (``LONGEST_FIRST``); otherwise the order as
    collected (and as pytest-django sorts it)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    rank = {path: number for number, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


#: The reference data every test database holds (ADR 0034): the 16 districts, the
#: approving departments and the matter tree.
REFERENCE_FIXTURES = ("districts", "departments", "matters")


def _load_reference_data(sender, using="default", **kwargs):
    """Load the reference data whenever Django has just built or flushed a test database.

    ``post_migrate`` is sent once per app when pytest-django migrates the test database at
    the start of the session, and again after every transactional test (``transactional_db``,
    ``live_server``, Celery-worker tests), whose teardown flushes every table: the data is then
    committed, so every ``db`` test sees it and rolls back to it, and a flushed database gets
    it back before the next test. Only the signal of the last app with models loads it (all
    tables exist by then, and once is enough).
    """
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        call_command("loaddata", *REFERENCE_FIXTURES, database=using, verbosity=0)


post_migrate.connect(_load_reference_data, dispatch_uid="tests.reference_data")


@pytest.fixture
def reference_data(db):
    """The reference data is always in the test database (see ``_load_reference_data``); a
    test names this fixture to say that it reads it."""


@pytest.fixture
def xuhui_clerk(reference_data):
    from tests.factories import clerk

    return clerk("310104", username="clerk_xh")


@pytest.fixture
def huangpu_clerk(reference_data):
    from tests.factories import clerk

    return clerk("310101", username="clerk_hp")


#: Encrypts signing keys made in tests; the Celery worker test hands it to the worker.
KEY_PASSPHRASE = "passphrase-for-tests-only"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ELICENSE_KEY_PASSPHRASE = KEY_PASSPHRASE
    # Checks are inserted at once unless a test runs the stream and its drainer itself.
    settings.VERIFICATION_LOG = "direct"
    # Process memory of the verification path (ADR 0024) outlives rolled-back test data.
    from elicense.queries import memory

    memory.flush()
    # A key prefix of its own per test: on Redis the cache outlives the test database (and
    # earlier runs), so counters such as the progress-lookup budget must start from nothing.
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


@pytest.fixture
def signing_key(db):
    from elicense import services

    return services.create_signing_key()


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process for this test, even when REDIS_URL is configured."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: the live server's thread must let go of the DB."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@contextlib.contextmanager
def celery_broker(url: str):
    """Send tasks from this process to the broker at ``url`` (not eagerly) for a while.

    Celery caches its connection pools per app; they are dropped so the next send connects
    to ``url``, and again on the way out.
    """
    from config.celery import app

    def drop_pools():
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    drop_pools()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        drop_pools()


@pytest.fixture(scope="session")
def s3():
    """A real S3 protocol server (moto in server mode) on loopback, for the session."""
    from tests.faults import s3_server

    with s3_server() as server:
        yield server


@pytest.fixture
def bucket(s3, settings) -> str:
    """A fresh private bucket as the default storage (STORAGE_URL's settings)."""
    from config.settings import s3_storage

    name = s3.bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(s3.storage_url(name), url_seconds=settings.STORAGE_URL_SECONDS),
    }
    return name


@pytest.fixture
def replica(db):
    """A ``replica`` database for this test: a second connection to the test database.

    It does not see what the test wrote in its own (uncommitted) transaction, as a replica
    lagging the primary would not: a read that finds the test's rows came from the primary.
    """
    from django.db import connections

    from portal.queries.replica import REPLICA

    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    # Connected here: Django's TestCase refuses a first connection to an alias it was not
    # set up with; the routing under test then uses this open connection.
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
