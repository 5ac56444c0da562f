"""The API's one prepared statement (``licensing.queries.holders``) and the indexes it reads."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from elicense.models import Certificate, CertificateStatus
from licensing.models import MarketEntity
from licensing.queries.holders import _SQL, FIELDS, STATEMENT, holder_licences
from tests.conftest import require
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_connection_that_lost_the_statement_prepares_it_again(xuhui_clerk):
    """The backend may replace a connection ended while idle under the ``EXECUTE``
    (``config.postgresql``): the new one has not prepared it, so it is prepared again."""
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    entity = register(xuhui_clerk, name="上海预备语句餐饮有限公司")
    issue_food(xuhui_clerk, entity)
    assert len(holder_licences(entity.uscc).certificates) == 2
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {STATEMENT}")  # what a new connection lacks

    holder = holder_licences(entity.uscc)

    assert holder.name == "上海预备语句餐饮有限公司"
    assert [c.kind for c in holder.certificates] == ["business_licence", "food_licence"]


def test_the_certificates_read_equal_the_orm_s_on_every_field_read(xuhui_clerk):
    entity = register(xuhui_clerk, name="上海字段顺序餐饮有限公司")
    issue_food(xuhui_clerk, entity)

    holder = holder_licences(entity.uscc)

    for certificate in holder.certificates:
        stored = Certificate.objects.get(pk=certificate.pk)
        assert {name: getattr(certificate, name) for name in FIELDS} == {
            name: getattr(stored, name) for name in FIELDS
        }
        assert certificate.get_deferred_fields() == {
            f.attname for f in Certificate._meta.concrete_fields
        } - set(FIELDS)


def test_the_hot_read_finds_the_holder_through_the_indexes_that_remain(xuhui_clerk):
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    entity = register(xuhui_clerk, name="上海索引查找餐饮有限公司")
    sql = _SQL.format(superseded=CertificateStatus.SUPERSEDED, param="%s")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are tiny here
        cursor.execute(f"EXPLAIN {sql}", [entity.uscc])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan" not in plan
    # An index scan, or a bitmap one once the planner's statistics count several rows.
    for index in ("licensing_marketentity_uscc_key", "certificate_holder"):
        assert re.search(rf"(Index Scan using|Bitmap Index Scan on) {index}\b", plan), plan


def test_a_second_entity_or_certificate_with_the_same_key_is_still_refused(xuhui_clerk):
    """The keys are unique through ``Meta`` constraints now, not the fields (ADR 0043): the
    database refuses a duplicate, and model validation names the field as before."""
    entity = register(xuhui_clerk, name="上海唯一约束餐饮有限公司")
    twin = MarketEntity.objects.get(pk=entity.pk)
    twin.pk = None

    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert list(caught.value.error_dict) == ["uscc"]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()

    licence = Certificate.objects.get(holder_uscc=entity.uscc)
    for field, other in (("public_id", "source"), ("source", "public_id")):
        copy = Certificate.objects.get(pk=licence.pk)
        copy.pk = None
        setattr(copy, other, f"{getattr(licence, other)}-2")
        with pytest.raises(IntegrityError, match=field):
            with transaction.atomic():
                copy.save()
