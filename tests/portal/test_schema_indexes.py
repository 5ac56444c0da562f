"""The tables that grow with the register and its trail index only what a query reads
(ADR 0043): Django's ``varchar_pattern_ops`` twins and doubled indexes cost every write.
And what the models declare is what the database holds."""

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import require

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"portal", "elicense", "licensing", "yiyeyizheng", "mingchu"}


def _indexes(table: str) -> dict[str, tuple[list[str], str]]:
    """Each index of ``table``: its columns in order, and its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, array_agg(a.attname ORDER BY k.n), pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relname = %s
            GROUP BY i.relname, x.indexrelid
            """,
            [table],
        )
        return {name: (columns, definition) for name, columns, definition in cursor.fetchall()}


@pytest.mark.parametrize(
    "table",
    [
        "elicense_certificate",
        "licensing_marketentity",
        "licensing_foodlicence",
        "portal_auditevent",
    ],
)
def test_a_growing_table_carries_no_index_that_no_query_reads(table):
    """ADR 0043: no ``varchar_pattern_ops`` twin (nothing here runs ``LIKE 'prefix%'``), and
    no plain index whose columns begin another index's, which would serve the same reads."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    indexes = _indexes(table)
    assert len(indexes) >= 4  # so that the read above found them

    assert [name for name, (_, definition) in indexes.items() if "pattern_ops" in definition] == []
    doubled = [
        (name, other)
        for name, (columns, definition) in indexes.items()
        if not definition.startswith("CREATE UNIQUE")
        for other, (longer, _) in indexes.items()
        if other != name and longer[: len(columns)] == columns
    ]
    assert doubled == []


def test_every_index_and_constraint_a_model_declares_is_in_the_database():
    """A migration that drops indexes by hand (ADR 0043) must leave every declared one. An
    ``AlterField`` to ``db_index=False`` drops every one-column B-tree on its column, a
    partial unique index such as ``fl_one_current_per_number`` with the rest."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    declared, missing = 0, []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in PROJECT_APPS:
                continue
            held = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for item in (*model._meta.indexes, *model._meta.constraints):
                declared += 1
                if item.name not in held:
                    missing.append(f"{model._meta.db_table}.{item.name}")

    assert declared > 40
    assert missing == []
