"""The API's one prepared statement (``licensing.queries.holders``)."""

import pytest
from django.db import connection

from elicense.models import Certificate
from licensing.queries.holders import FIELDS, STATEMENT, holder_licences
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
