"""Moving the test database to given migrations and back, for the tests of data migrations.

Django finds the state each migration is unapplied from by replaying, on rendered models,
every migration of the project between the first and the last one to unapply: 10–20 s a
call here, where the unapplying itself takes a second or two. ``migrate_to`` unapplies each
migration from the state its own ancestors build instead (``project_state`` of the graph,
rendered once per migration). The operations run are Django's, the same either way; only
models of apps the migration does not depend on are missing from that state, and a
migration cannot use those.
"""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class _Executor(MigrationExecutor):
    def _migrate_all_backwards(self, plan, full_plan, fake):
        state = None
        for migration, _ in plan:
            node = (migration.app_label, migration.name)
            state = self.loader.project_state(node, at_end=False)
            self.unapply_migration(state, migration, fake=fake)
        return state  # from before the last one unapplied: the state now


def migrate_to(targets):
    """Migrate the test database to ``targets``, forwards or backwards, and return the
    models (``apps``) as they are there.

    Inside the test's transaction PostgreSQL defers foreign-key checks; an ALTER TABLE
    refuses to run over pending ones, so they are checked at once first."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = _Executor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
