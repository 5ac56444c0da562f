"""The audit trail without its ``varchar_pattern_ops`` twins and unread indexes (ADR 0043).

Every change writes an audit row, and each row wrote eleven indexes. The fields' ``db_index``
gave ``action``, ``object_type`` and ``object_id`` a ``LIKE`` twin each, which no query
reads. ``object_type``'s own index begins ``(object_type, object_id)``, and nothing reads
``object_id`` alone. ``action``'s plain index stays (the admin filters by it), renamed.
"""

from django.db import migrations, models

from portal.migration_operations import DropIndexes

#: The name ``db_index`` gave ``action``'s plain index, renamed below.
ACTION_INDEX = "portal_auditevent_action_c0d3e523"


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_counters"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="object_id",
            field=models.CharField(max_length=64, verbose_name="对象编号"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="object_type",
            field=models.CharField(max_length=60, verbose_name="对象类型"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="action",
                    field=models.CharField(max_length=60, verbose_name="操作"),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(fields=["action"], name=ACTION_INDEX),
                ),
            ],
            database_operations=[
                DropIndexes(
                    "portal_auditevent",
                    {f"{ACTION_INDEX}_like": '"action" varchar_pattern_ops'},
                    postgresql_only=True,
                )
            ],
        ),
        migrations.RenameIndex(
            model_name="auditevent", new_name="audit_action", old_name=ACTION_INDEX
        ),
    ]
