"""The signed-in home page assembles the apps' panels, reading each panel's data once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.services import notify_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_unread_notices_show_and_are_read_from_the_database_once(client, reference_data):
    user = UserFactory(role="city_officer")
    notify_users(users=[user], message="2022年12月全市汇总已生成。")
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:home")).content.decode()

    assert "2022年12月全市汇总已生成。" in page
    notice_reads = [q for q in queries if 'FROM "portal_notification"' in q["sql"]]
    assert len(notice_reads) == 1
