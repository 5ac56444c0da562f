"""The tables that grow with the register and its trail index only what a query reads
(ADR 0043): Django's ``varchar_pattern_ops`` twins and doubled indexes cost every write.
And what the models declare is what the database holds."""

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import require
from tests.migrations import migrate_to

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"portal", "elicense", "licensing", "yiyeyizheng", "mingchu"}
TABLES = [
    "elicense_certificate",
    "licensing_marketentity",
    "licensing_foodlicence",
    "portal_auditevent",
]
BEFORE = [
    ("elicense", "0018_verification_links_without_constraints"),
    ("licensing", "0006_food_serials_from_portal_counters"),
    ("portal", "0008_counters"),
]
AFTER = [
    ("elicense", "0019_certificate_indexes_without_pattern_twins"),
    ("licensing", "0008_food_licence_indexes_without_pattern_twins"),
    ("portal", "0009_audit_indexes_without_pattern_twins"),
]


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


@pytest.mark.parametrize("table", TABLES)
def test_a_growing_table_carries_no_index_that_no_query_reads(table):
    """ADR 0043: no ``varchar_pattern_ops`` twin (nothing here runs ``LIKE 'prefix%'``), and
    no plain index whose columns begin another index's, which would serve the same reads."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    indexes = _indexes(table)
    assert len(indexes) >= 4  # the catalogue query found the table

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


def test_the_index_migrations_drop_only_the_indexes_they_name_and_reverse_to_them():
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    now = {table: set(_indexes(table)) for table in TABLES}

    migrate_to(BEFORE)
    before = {table: set(_indexes(table)) for table in TABLES}
    migrate_to(AFTER)

    assert {table: set(_indexes(table)) for table in TABLES} == now
    assert {table: now[table] - before[table] for table in TABLES} == {
        "elicense_certificate": {"certificate_holder"},
        "licensing_marketentity": set(),
        "licensing_foodlicence": {"food_licence_holder", "food_licence_district"},
        "portal_auditevent": {"audit_action"},
    }
    assert {table: before[table] - now[table] for table in TABLES} == {
        "elicense_certificate": {
            "elicense_ce_holder__f2dc89_idx",
            "elicense_certificate_holder_uscc_f9ce2c78",  # renamed certificate_holder
            "elicense_certificate_holder_uscc_f9ce2c78_like",
            "elicense_certificate_public_id_fdd0ee00_like",
            "elicense_certificate_source_ccc6327c_like",
        },
        "licensing_marketentity": {
            "licensing_marketentity_uscc_10decf22_like",
            "licensing_marketentity_district_id_da9f8ac2",
            "licensing_marketentity_district_id_da9f8ac2_like",
        },
        "licensing_foodlicence": {
            "licensing_foodlicence_number_c1bec9c7",
            "licensing_foodlicence_number_c1bec9c7_like",
            "licensing_foodlicence_holder_uscc_bfb21686",  # renamed food_licence_holder
            "licensing_foodlicence_holder_uscc_bfb21686_like",
            "licensing_foodlicence_district_id_0752fc87",  # renamed food_licence_district
            "licensing_foodlicence_district_id_0752fc87_like",
        },
        "portal_auditevent": {
            "portal_auditevent_action_c0d3e523",  # renamed audit_action
            "portal_auditevent_action_c0d3e523_like",
            "portal_auditevent_object_type_43c7b4e4",
            "portal_auditevent_object_type_43c7b4e4_like",
            "portal_auditevent_object_id_9e16f8ec",
            "portal_auditevent_object_id_9e16f8ec_like",
        },
    }
