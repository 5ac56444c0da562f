"""Scan-to-login: single-use, two-minute challenges bound to the browser that showed them."""

import datetime
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.urls import reverse

from elicense.models import LoginChallenge
from portal.models import AuditEvent
from tests.factories import PASSWORD, enterprise_user, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_user(xuhui_clerk):
    return enterprise_user(register(xuhui_clerk), full_name="刘企业")


@pytest.fixture
def desktop():
    return Client()


@pytest.fixture
def phone(phone_user):
    client = Client()
    client.force_login(phone_user)
    return client


def _new_challenge(desktop):
    return desktop.post(reverse("elicense:scan_login_new")).json()


def _confirm(phone, token, approve=True):
    data = {"approve": "1"} if approve else {"refuse": "1"}
    return phone.post(reverse("elicense:scan_login_confirm", args=[token]), data, follow=True)


def _poll(client, body):
    return client.post(body["poll_url"]).json()["status"]


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_phone_confirms_and_the_waiting_browser_signs_in(desktop, phone, phone_user):
    body = _new_challenge(desktop)
    assert _poll(desktop, body) == "pending"
    assert (
        "刘企业"
        in phone.get(reverse("elicense:scan_login_confirm", args=[body["token"]])).content.decode()
    )

    _confirm(phone, body["token"])

    assert _poll(desktop, body) == "signed_in"
    assert _signed_in_as(desktop) == str(phone_user.pk)
    assert AuditEvent.objects.filter(action="user.logged_in_by_scan", actor=phone_user).exists()


def test_a_challenge_signs_in_only_once(desktop, phone):
    body = _new_challenge(desktop)
    _confirm(phone, body["token"])
    assert _poll(desktop, body) == "signed_in"

    desktop.logout()
    assert _poll(desktop, body) == "invalid"
    assert _signed_in_as(desktop) is None


def test_a_second_confirmation_is_refused(desktop, phone):
    body = _new_challenge(desktop)
    _confirm(phone, body["token"])

    page = _confirm(phone, body["token"]).content.decode()

    assert "该登录二维码已被使用" in page


def test_a_challenge_confirmed_after_two_minutes_signs_nobody_in(desktop, phone, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)
    body = _new_challenge(desktop)

    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 2, tzinfo=datetime.UTC), tick=False)
    _confirm(phone, body["token"])

    assert LoginChallenge.objects.get().status == "pending"
    assert _poll(desktop, body) == "expired"
    assert _signed_in_as(desktop) is None


def test_a_challenge_confirmed_in_time_but_collected_late_signs_nobody_in(
    desktop, phone, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC), tick=False)
    body = _new_challenge(desktop)
    _confirm(phone, body["token"])

    time_machine.move_to(datetime.datetime(2026, 11, 22, 2, 2, 1, tzinfo=datetime.UTC), tick=False)

    assert _poll(desktop, body) == "expired"
    assert _signed_in_as(desktop) is None


def test_a_token_copied_to_another_browser_signs_nobody_in(desktop, phone):
    body = _new_challenge(desktop)
    _confirm(phone, body["token"])
    thief = Client()

    assert _poll(thief, body) == "invalid"
    assert _signed_in_as(thief) is None
    assert _poll(desktop, body) == "signed_in"  # the real browser still can


def test_a_refused_challenge_signs_nobody_in(desktop, phone):
    body = _new_challenge(desktop)
    _confirm(phone, body["token"], approve=False)

    assert _poll(desktop, body) == "refused"
    assert _signed_in_as(desktop) is None
    assert AuditEvent.objects.filter(action="login_challenge.refused").exists()


def test_staff_cannot_confirm_scan_logins(desktop, xuhui_clerk):
    body = _new_challenge(desktop)
    clerk = Client()
    clerk.force_login(xuhui_clerk)

    assert _confirm(clerk, body["token"]).status_code == 404
    assert _poll(desktop, body) == "pending"


def test_scan_logins_are_listed_for_the_enterprise(desktop, phone, phone_user, signing_key):
    from elicense import services
    from elicense.models import Certificate

    certificate = Certificate.objects.get(holder_uscc=phone_user.entity_uscc)
    services.sign_certificate(certificate_id=certificate.pk)
    body = _new_challenge(desktop)
    _confirm(phone, body["token"])
    _poll(desktop, body)

    page = phone.get(reverse("elicense:my_certificates")).content.decode()

    assert page.count("data-scan-login-record") == 1


def test_login_page_offers_the_scan_panel(client):
    page = client.get(reverse("portal:login")).content.decode()
    assert "扫码登录" in page and "elicense/scan_login.js" in page


def test_the_signed_in_browser_returns_to_its_own_next_page_only(phone, xuhui_clerk):
    """A connected system's sign-in (ADR 0025) continues after the scan; another site's
    address is never followed."""
    for next_page, expected in [
        ("/oidc/authorize/?client_id=x", "/oidc/authorize/?client_id=x"),
        ("https://evil.example.com/steal", reverse("portal:home")),
    ]:
        desktop = Client()
        body = _new_challenge(desktop)
        _confirm(phone, body["token"])
        answer = desktop.post(body["poll_url"], {"next": next_page}).json()
        assert answer == {"status": "signed_in", "redirect": expected}


@pytest.mark.parametrize("late", ["challenge", "poll"])
def test_a_panel_answer_that_comes_after_the_password_login_keeps_the_browser_signed_in(
    desktop, xuhui_clerk, late
):
    """The login page's QR panel asks for its challenge as the page opens, then polls.
    Someone who types fast signs in with the password while a panel request is on its way:
    the server answers it after the login, and the browser keeps that answer's cookies after
    the login's own. The browser must stay signed in."""
    desktop.get(reverse("portal:login"))
    url = reverse("elicense:scan_login_new")
    if late == "poll":
        url = _new_challenge(desktop)["poll_url"]
    panel = Client()  # the panel's request, with the cookies the page had when it was sent
    panel.cookies = SimpleCookie(desktop.cookies.output(header="", sep=";"))

    signed_in = desktop.post(
        reverse("portal:login"), {"username": xuhui_clerk.username, "password": PASSWORD}
    )
    answer = panel.post(url)
    desktop.cookies.update(answer.cookies)

    assert signed_in.status_code == 302
    assert desktop.get(reverse("licensing:entity_list")).status_code == 200
    assert _signed_in_as(desktop) == str(xuhui_clerk.pk)
