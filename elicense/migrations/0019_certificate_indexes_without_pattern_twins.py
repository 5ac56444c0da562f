"""The certificate table without its ``varchar_pattern_ops`` twins and doubled index (ADR 0043).

A field's ``unique`` or ``db_index`` gives a text column a second index on PostgreSQL, for
``LIKE 'prefix%'``; no query reads ``public_id``, ``source`` or ``holder_uscc`` that way. The
``(holder_uscc, status)`` index doubled the plain one: a holder has a handful of rows.
At 1,000,000 certificates the four came to 219 MB, written on every issuance.

Only indexes go: the unique constraints stay as they are (PostgreSQL's own names, now named
in ``Meta``), so that nothing is rebuilt and uniqueness never lapses on a live table.
"""

from django.db import migrations, models

import elicense.models.certificates
from portal.migration_operations import DropIndexes

#: The name ``db_index`` gave the plain index, renamed below.
HOLDER_INDEX = "elicense_certificate_holder_uscc_f9ce2c78"
#: Django's names for the twins (``_create_like_index_sql``), with their columns.
TWINS = {
    f"{HOLDER_INDEX}_like": '"holder_uscc" varchar_pattern_ops',
    "elicense_certificate_public_id_fdd0ee00_like": '"public_id" varchar_pattern_ops',
    "elicense_certificate_source_ccc6327c_like": '"source" varchar_pattern_ops',
}


class Migration(migrations.Migration):
    dependencies = [
        ("elicense", "0018_verification_links_without_constraints"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="certificate", name="elicense_ce_holder__f2dc89_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="certificate",
                    name="holder_uscc",
                    field=models.CharField(max_length=18, verbose_name="持证主体统一社会信用代码"),
                ),
                migrations.AlterField(
                    model_name="certificate",
                    name="public_id",
                    field=models.CharField(
                        default=elicense.models.certificates.new_public_id, max_length=24,
                        verbose_name="公开标识",
                    ),
                ),  # fmt: skip
                migrations.AlterField(
                    model_name="certificate",
                    name="source",
                    field=models.CharField(max_length=80, verbose_name="来源"),
                ),
                migrations.AddIndex(
                    model_name="certificate",
                    index=models.Index(fields=["holder_uscc"], name=HOLDER_INDEX),
                ),
                migrations.AddConstraint(
                    model_name="certificate",
                    constraint=models.UniqueConstraint(
                        fields=["public_id"], name="elicense_certificate_public_id_key"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="certificate",
                    constraint=models.UniqueConstraint(
                        fields=["source"], name="elicense_certificate_source_key"
                    ),
                ),
            ],
            database_operations=[
                DropIndexes("elicense_certificate", TWINS, postgresql_only=True)
            ],
        ),
        migrations.RenameIndex(
            model_name="certificate", new_name="certificate_holder", old_name=HOLDER_INDEX
        ),
    ]
