"""The entity table without its ``varchar_pattern_ops`` twins and doubled index (ADR 0043).

The USCC field's ``unique`` gave the column a second index on PostgreSQL, for
``LIKE 'prefix%'``, which no query runs (49 MB at 1,000,000 entities). The unique constraint
stays as it is, named in ``Meta`` by PostgreSQL's own name, so that nothing is rebuilt. The
district's own index (and its twin) go too: the two ``(district, …)`` indexes begin with it.
"""

import django.db.models.deletion
from django.db import migrations, models

from portal.migration_operations import DropIndexes

#: Django's name for the twin (``_create_like_index_sql``), with its column.
TWIN = {"licensing_marketentity_uscc_10decf22_like": '"uscc" varchar_pattern_ops'}


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0006_food_serials_from_portal_counters"),
        ("portal", "0008_counters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="marketentity",
                    name="uscc",
                    field=models.CharField(max_length=18, verbose_name="统一社会信用代码"),
                ),
                migrations.AddConstraint(
                    model_name="marketentity",
                    constraint=models.UniqueConstraint(
                        fields=["uscc"], name="licensing_marketentity_uscc_key"
                    ),
                ),
            ],
            database_operations=[
                DropIndexes("licensing_marketentity", TWIN, postgresql_only=True)
            ],
        ),
        migrations.AlterField(
            model_name="marketentity",
            name="district",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="portal.district", verbose_name="所属区",
            ),
        ),  # fmt: skip
    ]
