"""Sessions: staff are signed out after 30 idle minutes; nobody stays in past 12 hours."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PASSWORD, enterprise_user, register

pytestmark = pytest.mark.django_db

MORNING = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _login(client, username):
    response = client.post(reverse("portal:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _signed_in(client) -> bool:
    return client.get(reverse("portal:home")).wsgi_request.user.is_authenticated


def test_a_clerk_idle_for_more_than_30_minutes_is_signed_out(client, xuhui_clerk):
    with time_machine.travel(MORNING, tick=False) as clock:
        _login(client, "clerk_xh")
        assert _signed_in(client)
        clock.shift(datetime.timedelta(minutes=29))
        assert _signed_in(client)  # a request: the idle time starts again
        clock.shift(datetime.timedelta(minutes=29))
        assert _signed_in(client)

        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("licensing:entity_list"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("portal:login") + "?next=")
    assert "已超过30分钟未操作" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_idle_timeout_comes_from_the_setting(client, xuhui_clerk, settings):
    settings.STAFF_IDLE_MINUTES = 5
    with time_machine.travel(MORNING, tick=False) as clock:
        _login(client, "clerk_xh")
        assert _signed_in(client)
        clock.shift(datetime.timedelta(minutes=6))
        assert not _signed_in(client)


def test_an_enterprise_user_has_no_idle_timeout_but_the_12_hour_limit(client, xuhui_clerk):
    owner = enterprise_user(register(xuhui_clerk), username="ent_owner")
    with time_machine.travel(MORNING, tick=False) as clock:
        _login(client, owner.username)
        clock.shift(datetime.timedelta(hours=3))
        assert _signed_in(client)  # three idle hours: still signed in
        for _ in range(17):  # active every 30 minutes: 11.5 hours after sign-in
            clock.shift(datetime.timedelta(minutes=30))
            assert _signed_in(client)
        clock.shift(datetime.timedelta(minutes=31))

        assert not _signed_in(client)  # 12 hours after sign-in, however active
