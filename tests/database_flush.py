"""After a transactional test, only the tables that hold rows are emptied (PostgreSQL).

Django empties the test database after every transactional test (``transactional_db``,
``live_server``, the worker and fault tests) with one ``TRUNCATE`` of all 86 tables. A
``TRUNCATE`` gives every table and each of its indexes a new file, ~0.9 s for the lot on
this machine, although a test writes a handful of tables. Here the flush deletes the rows of
the tables that have any: a table whose main fork has no page holds no row
(``pg_relation_size`` = 0); a partitioned table is emptied when any partition has pages.
Foreign keys are deferred until the flush commits, so the order does not matter (every
foreign key Django creates is ``DEFERRABLE``). The end state is the same as Django's: every
table empty, sequences untouched; a flush that resets sequences is left to Django.
"""

from django.db.backends.postgresql.operations import DatabaseOperations

_sql_flush = DatabaseOperations.sql_flush

_FILLED = """
    SELECT c.relname FROM pg_class c
    WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace
      AND (pg_relation_size(c.oid) > 0 OR EXISTS (
            SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid
            AND pg_relation_size(i.inhrelid) > 0))
"""


def _delete_filled(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or not tables:
        return _sql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    with self.connection.cursor() as cursor:
        cursor.execute(_FILLED, [list(tables)])
        filled = sorted(name for (name,) in cursor.fetchall())
    deletes = [f"DELETE FROM {self.quote_name(name)};" for name in filled]  # noqa: S608 - quoted names from pg_class
    return ["SET CONSTRAINTS ALL DEFERRED;", *deletes] if deletes else []


def install() -> None:
    DatabaseOperations.sql_flush = _delete_filled
