"""The test database's flush (``tests/database_flush.py``) leaves every table empty, as
Django's ``TRUNCATE`` did: rows that point at each other, the partitioned 查验记录 and the
reference data all go; the reference data comes back after the flush."""

import pytest
from django.core.management import call_command
from django.db import connection

from elicense.verification import Outcome, log_verification
from portal.models import District
from tests.conftest import require
from tests.factories import clerk, register


def _tables_with_rows() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r'"
            " AND c.relnamespace = current_schema()::regnamespace"
            " AND c.relname <> 'django_migrations'"  # Django's flush keeps the history
        )
        tables = [name for (name,) in cursor.fetchall()]
        filled = set()
        for name in tables:
            table = connection.ops.quote_name(name)
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - from pg_class
            if cursor.fetchone()[0]:
                filled.add(name)
    return filled


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_every_table_it_finds_rows_in_and_the_reference_data_returns():
    require(connection.vendor == "postgresql", "the flush is PostgreSQL's")
    register(clerk("310104"))
    log_verification(Outcome(result="not_found"), channel="api", verifier_label="平台")
    filled = _tables_with_rows()
    assert {"portal_user", "licensing_marketentity", "portal_auditevent"} <= filled
    assert any(name.startswith("elicense_verification_") for name in filled)

    flush = {"interactive": False, "verbosity": 0, "reset_sequences": False}  # as Django's
    call_command("flush", **flush, inhibit_post_migrate=True)  # teardown calls it
    assert _tables_with_rows() == set()

    call_command("flush", **flush)
    assert District.objects.count() == 16
