"""Food licences without their ``varchar_pattern_ops`` twins and doubled index (ADR 0043).

The fields' ``db_index`` gave ``number``, ``holder_uscc`` and ``district`` a ``LIKE`` twin
each, which no query reads; ``number``'s own index begins ``fl_number_version``. The holder's
and the district's plain indexes stay, renamed and declared in ``Meta``.

Only named indexes are dropped: an ``AlterField`` to ``db_index=False`` would drop every
one-column B-tree on ``number``, ``fl_one_current_per_number`` (a partial unique index) too.
"""

import django.db.models.deletion
from django.db import migrations, models

from portal.migration_operations import DropIndexes

#: The names ``db_index`` gave the plain indexes kept (renamed below).
HOLDER_INDEX = "licensing_foodlicence_holder_uscc_bfb21686"
DISTRICT_INDEX = "licensing_foodlicence_district_id_0752fc87"
#: ``number``'s own index, dropped with its twin.
NUMBER_INDEX = "licensing_foodlicence_number_c1bec9c7"
TWINS = {
    f"{NUMBER_INDEX}_like": '"number" varchar_pattern_ops',
    f"{HOLDER_INDEX}_like": '"holder_uscc" varchar_pattern_ops',
    f"{DISTRICT_INDEX}_like": '"district_id" varchar_pattern_ops',
}


class Migration(migrations.Migration):
    dependencies = [
        ("licensing", "0007_entity_indexes_without_pattern_twins"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="foodlicence",
                    name="number",
                    field=models.CharField(
                        help_text="JY编号；纳入行业综合许可证的，为综合许可证编号。",
                        max_length=30, verbose_name="许可证编号",
                    ),
                ),  # fmt: skip
                migrations.AlterField(
                    model_name="foodlicence",
                    name="holder_uscc",
                    field=models.CharField(max_length=18, verbose_name="社会信用代码"),
                ),
                migrations.AlterField(
                    model_name="foodlicence",
                    name="district",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.PROTECT,
                        related_name="+", to="portal.district", verbose_name="发证区",
                    ),
                ),  # fmt: skip
                migrations.AddIndex(
                    model_name="foodlicence",
                    index=models.Index(fields=["holder_uscc"], name=HOLDER_INDEX),
                ),
                migrations.AddIndex(
                    model_name="foodlicence",
                    index=models.Index(fields=["district"], name=DISTRICT_INDEX),
                ),
            ],
            database_operations=[
                DropIndexes("licensing_foodlicence", {NUMBER_INDEX: '"number"'}),
                DropIndexes("licensing_foodlicence", TWINS, postgresql_only=True),
            ],
        ),
        migrations.RenameIndex(
            model_name="foodlicence", new_name="food_licence_holder", old_name=HOLDER_INDEX
        ),
        migrations.RenameIndex(
            model_name="foodlicence", new_name="food_licence_district", old_name=DISTRICT_INDEX
        ),
    ]
