"""Migration operations the apps share: indexes dropped by name (ADR 0043).

Django's ``AlterField`` to ``db_index=False`` drops every one-column B-tree on the column
that ``Meta.indexes`` does not name, partial unique indexes too; and it knows nothing of
the ``varchar_pattern_ops`` twin it made on PostgreSQL. These drop exactly the indexes
named, and make them again when the migration is reversed. They change no model state:
pair them with the state's operations in a ``SeparateDatabaseAndState``, or use them
where the state never held the index (a twin).
"""

from django.db.migrations.operations.base import Operation


class DropIndexes(Operation):
    """Drop the named indexes of ``table``; on reverse, make each again on its columns.

    ``indexes`` maps an index's name to its columns as SQL (``'"number"'``, or
    ``'"uscc" varchar_pattern_ops'``). With ``postgresql_only``, other databases are left
    alone: the pattern twins exist on PostgreSQL alone."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str, indexes: dict[str, str], postgresql_only: bool = False):
        self.table = table
        self.indexes = indexes
        self.postgresql_only = postgresql_only

    def deconstruct(self):
        kwargs = {"table": self.table, "indexes": self.indexes}
        if self.postgresql_only:
            kwargs["postgresql_only"] = True
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def _applies(self, schema_editor) -> bool:
        return not self.postgresql_only or schema_editor.connection.vendor == "postgresql"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor):
            for name in self.indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._applies(schema_editor):
            table = schema_editor.quote_name(self.table)
            for name, columns in self.indexes.items():
                schema_editor.execute(
                    f"CREATE INDEX {schema_editor.quote_name(name)} ON {table} ({columns})"
                )

    def describe(self):
        return f"Drop indexes {', '.join(self.indexes)} of {self.table}"
