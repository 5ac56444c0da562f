"""The admin's user list: one page of users costs the same queries however many it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Department, District, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _officers(count):
    district, department = District.objects.first(), Department.objects.first()
    for _ in range(count):
        UserFactory(role=Role.DISTRICT_OFFICER, district=district)
        UserFactory(role=Role.DEPARTMENT_REVIEWER, department=department)


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:portal_user_changelist"))
    assert response.status_code == 200
    return len(queries)


def test_the_user_list_reads_districts_and_departments_with_the_users(client, reference_data):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    _officers(2)
    few = _queries(client)

    _officers(10)

    assert _queries(client) == few


def test_an_enterprise_users_uscc_typed_full_width_is_stored_normalised(reference_data):
    user = UserFactory.build(
        username="qiye", role=Role.ENTERPRISE, enterprise_capacity="agent",
        entity_uscc="９１３１０１０４ｍａ１ｆｌ８ｋｑ５ｂ",
    )  # fmt: skip

    user.full_clean(exclude=["password"])

    assert user.entity_uscc == "91310104MA1FL8KQ5B"
