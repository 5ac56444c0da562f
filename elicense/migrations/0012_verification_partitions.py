"""The verification log (查验记录) partitioned by month on PostgreSQL (ADR 0026).

The table is rebuilt as ``PARTITION BY RANGE (created_at)``: one partition per calendar
month in TIME_ZONE (``elicense_verification_y2026m12``), a DEFAULT partition for a row whose
month has none yet, every existing row copied over. The primary key becomes
(id, created_at), since a partitioned table's unique keys must hold the partition key;
Django still sees ``id`` as the primary key (ids come from one sequence, so they stay unique
on their own). Indexes, foreign keys and unique constraints of the old table are recreated
on the new one as they were, whatever earlier migrations made. Partitions after the first
three months ahead are made by ``elicense.services.verification_partitions`` (beat, daily).

SQLite (the embedded default) keeps the plain table: the operation does nothing there.
"""

from django.conf import settings
from django.db import migrations, models

TABLE = "elicense_verification"

#: Rebuild ``elicense_verification`` as a partitioned (or, going back, a plain) table.
REBUILD = """
ALTER TABLE {table} RENAME TO {table}_rebuild;
CREATE TABLE {table} (LIKE {table}_rebuild INCLUDING DEFAULTS INCLUDING STORAGE) {partitioning};
ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT;
DO $rebuild$
DECLARE
    tz constant text := {time_zone};
    old constant regclass := '{table}_rebuild'::regclass;
    next_id bigint;
    first_month date;
    last_month date;
    month date;
    definitions text[];
    definition text;
BEGIN
    IF {partitioned} THEN
        SELECT date_trunc('month', min(created_at) AT TIME ZONE tz)::date
          INTO first_month FROM {table}_rebuild;
        last_month := (date_trunc('month', now() AT TIME ZONE tz) + interval '3 months')::date;
        month := least(coalesce(first_month, last_month),
                       date_trunc('month', now() AT TIME ZONE tz)::date);
        WHILE month <= last_month LOOP
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF {table} FOR VALUES FROM (%L) TO (%L)',
                '{table}_' || to_char(month, '"y"YYYY"m"MM'),
                month::timestamp AT TIME ZONE tz,
                (month + interval '1 month')::timestamp AT TIME ZONE tz);
            month := (month + interval '1 month')::date;
        END LOOP;
        EXECUTE 'CREATE TABLE {table}_default PARTITION OF {table} DEFAULT';
    END IF;
    INSERT INTO {table} SELECT * FROM {table}_rebuild;
    SELECT max(id) INTO next_id FROM {table};

    -- What the old table carried besides its primary key, to put back under the same names.
    SELECT array_agg(format('ALTER TABLE {table} ADD CONSTRAINT %I %s',
                            conname, pg_get_constraintdef(oid)) ORDER BY conname)
      INTO definitions
      FROM pg_constraint WHERE conrelid = old AND contype IN ('f', 'u', 'c');
    SELECT array_cat(definitions, array_agg(
               regexp_replace(indexdef, ' ON (ONLY )?\\S+ USING ', ' ON {table} USING ')
               ORDER BY indexname))
      INTO definitions
      FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename = '{table}_rebuild'
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = old);

    DROP TABLE {table}_rebuild;  -- its partitions and its id sequence with it
    ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY {primary_key};
    FOREACH definition IN ARRAY coalesce(definitions, '{{}}') LOOP
        EXECUTE definition;
    END LOOP;

    CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id;
    PERFORM setval('{table}_id_seq', coalesce(next_id, 1), next_id IS NOT NULL);
    ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq');
END
$rebuild$;
"""


def rebuild(*, partitioned: bool) -> str:
    return REBUILD.format(
        table=TABLE,
        time_zone="'" + settings.TIME_ZONE.replace("'", "''") + "'",
        partitioned="true" if partitioned else "false",
        partitioning="PARTITION BY RANGE (created_at)" if partitioned else "",
        primary_key="(id, created_at)" if partitioned else "(id)",
    )


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("elicense", "0011_verification_check_id"),
    ]

    operations = [
        # Going back makes a plain table again; detached partitions stay as they are.
        PostgreSQLOnly(rebuild(partitioned=True), rebuild(partitioned=False)),
        # holder_uscc alone is the leading column of (holder_uscc, -created_at): its own
        # index only cost writes and steered the holder's log away from index-only reads.
        migrations.AlterField(
            model_name="verification",
            name="holder_uscc",
            field=models.CharField(blank=True, max_length=18, verbose_name="持证主体"),
        ),
    ]
