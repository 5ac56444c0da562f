"""Login throttling behind the reverse proxy: a guesser locks out only themselves.

The portal runs behind one trusted proxy (PROXY_COUNT=1), so every request arrives from
the proxy's address and the client's is the last X-Forwarded-For hop. Failures lock the
(username, address) pair and the address; a username under attack from many addresses
is slowed down, never locked for everyone.
"""

import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from portal.login_throttle import failures_against
from portal.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.LOGIN_DELAY_MAX_SECONDS = 0.05


@pytest.fixture
def admin(reference_data):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True)


def _login(client, username, password, address, claimed=None):
    """Sign in through the proxy from ``address``; ``claimed`` is what the client forged."""
    forwarded = f"{claimed}, {address}" if claimed else address
    return client.post(
        reverse("portal:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_one_clients_failures_do_not_lock_a_client_at_another_address(
    client, settings, xuhui_clerk
):
    for n in range(20):
        _login(client, f"guess{n % 3}", "wrong", "203.0.113.7")

    response = _login(client, "clerk_xh", PASSWORD, "198.51.100.2")

    assert _signed_in(response)


def test_the_guessing_address_is_locked_even_with_the_right_password(client, settings, xuhui_clerk):
    for _ in range(20):
        _login(client, "clerk_xh", "wrong", "203.0.113.7")

    response = _login(client, "clerk_xh", PASSWORD, "203.0.113.7")

    assert response.status_code == 429
    assert response["Retry-After"] == str(round(settings.AXES_COOLOFF_TIME * 60) * 60)
    page = response.content.decode()
    assert "登录失败次数过多" in page and "其他地址不受影响" in page
    assert "_auth_user_id" not in client.session


def test_forging_x_forwarded_for_does_not_escape_the_lock(client, xuhui_clerk):
    for n in range(10):
        _login(client, "clerk_xh", "wrong", "203.0.113.7", claimed=f"192.0.2.{n}")

    response = _login(client, "clerk_xh", PASSWORD, "203.0.113.7", claimed="192.0.2.200")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_guessing_admin_from_many_addresses_never_locks_admin_out(client, settings, admin):
    attackers = [f"203.0.113.{n}" for n in range(1, 11)]
    for address in attackers:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            _login(client, "admin", "wrong", address)

    assert _login(client, "admin", PASSWORD, attackers[0]).status_code == 429
    assert _signed_in(_login(client, "admin", PASSWORD, "198.51.100.9"))


def test_a_username_under_attack_answers_after_a_growing_delay(client, settings, admin):
    settings.LOGIN_DELAY_MAX_SECONDS = 5
    settings.AXES_FAILURE_LIMIT = 2
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit):
        _login(client, "admin", "wrong", f"203.0.113.{n + 1}")

    start = time.monotonic()
    response = _login(client, "admin", PASSWORD, "198.51.100.9")
    first_wait = time.monotonic() - start

    assert _signed_in(response)
    assert first_wait >= 1.0

    client.logout()
    for n in range(limit, 2 * limit):
        _login(client, "admin", "wrong", f"203.0.113.{n + 1}")
    start = time.monotonic()
    assert _login(client, "admin", "wrong", "198.51.100.10").status_code == 200
    assert time.monotonic() - start >= 2.0


def test_one_address_that_keeps_trying_does_not_lengthen_the_delay(client, settings, admin):
    settings.LOGIN_DELAY_MAX_SECONDS = 5
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(12):
        _login(client, "admin", "wrong", "203.0.113.7")

    assert failures_against("admin") == 2
    start = time.monotonic()
    assert _signed_in(_login(client, "admin", PASSWORD, "198.51.100.9"))
    assert 1.0 <= time.monotonic() - start < 3.0


def test_a_locked_address_is_refused_at_once_without_the_delay(client, settings, admin):
    settings.LOGIN_DELAY_MAX_SECONDS = 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "admin", "wrong", "203.0.113.7")

    start = time.monotonic()
    response = _login(client, "admin", "wrong", "203.0.113.7")

    assert response.status_code == 429
    assert time.monotonic() - start < 0.5


def test_a_malformed_forwarded_hop_counts_as_the_proxy_not_as_a_new_address(client, admin):
    _login(client, "admin", "wrong", "not-an-address")

    assert AccessAttempt.objects.get().ip_address == PROXY
