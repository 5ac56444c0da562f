"""Under pytest-xdist on PostgreSQL, the migrations run once per run, not once per worker.

Each worker needs a test database of its own (``test_<name>_gw0``, ``_gw1`` ...). The first
worker to take the lock builds ``test_<name>_template`` the usual way (migrations, with the
reference data that ``tests/conftest.py`` loads after them); every worker then copies it
with ``CREATE DATABASE ... TEMPLATE`` (about a second, where the migrations take ~20 s of
CPU each). A marker file named after the run (``PYTEST_XDIST_TESTRUNUID``) says the template
is this run's; a template left by an earlier run is rebuilt. Alone (no xdist), or on another
database, Django creates the test database as ever.
"""

import fcntl
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db.backends.postgresql.creation import DatabaseCreation

_create_test_db = DatabaseCreation.create_test_db


@contextmanager
def _locked(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _from_template(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
    name = self._get_test_db_name()
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    if keepdb or not run or not re.search(r"_gw\d+$", name):
        return _create_test_db(self, verbosity, autoclobber, serialize, keepdb)
    template = re.sub(r"_gw\d+$", "_template", name)
    folder = Path(tempfile.gettempdir())
    test_settings = self.connection.settings_dict["TEST"]
    with _locked(folder / f"{template}.lock"):
        marker = folder / f"{template}.{run}"
        if not marker.exists():
            test_settings["NAME"] = template
            try:
                _create_test_db(self, verbosity, autoclobber=True, serialize=False)
            finally:
                test_settings["NAME"] = name
                self.connection.close()
            marker.touch()
        quote = self.connection.ops.quote_name
        with self._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    self.connection.close()
    settings.DATABASES[self.connection.alias]["NAME"] = name
    self.connection.settings_dict["NAME"] = name
    if serialize:
        self.connection._test_serialized_contents = self.serialize_db_to_string()
    self.connection.ensure_connection()
    return name


def install() -> None:
    DatabaseCreation.create_test_db = _from_template
