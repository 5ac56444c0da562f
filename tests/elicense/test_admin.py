"""The admin's matter tree: one query for the list, however deep the tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from elicense.models import Matter
from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_matter_list_reads_each_parent_with_its_child(client, reference_data):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    assert Matter.objects.filter(parent__isnull=False).count() > 5  # the fixture's tree

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:elicense_matter_changelist"))

    assert response.status_code == 200
    assert len(queries) < 10
