"""The audit trail: written with every change, with the client's address, never edited."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Role
from tests.factories import RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _register_via_page(client, **extra):
    data = RegistrationFactory()
    data["established_on"] = data["established_on"].isoformat()
    data["operating_period_to"] = ""
    return client.post(reverse("licensing:entity_create"), data, **extra)


def test_audit_row_records_actor_and_client_address(client, xuhui_clerk):
    client.force_login(xuhui_clerk)

    _register_via_page(client, REMOTE_ADDR="10.20.30.40")

    event = AuditEvent.objects.get(action="entity.registered")
    assert event.actor == xuhui_clerk and event.actor_label == "clerk_xh"
    assert event.client_address == "10.20.30.40"
    assert event.action_label == "设立登记"


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(client, settings, xuhui_clerk):
    settings.PROXY_COUNT = 1
    client.force_login(xuhui_clerk)

    _register_via_page(client, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")

    assert AuditEvent.objects.get(action="entity.registered").client_address == "203.0.113.9"


def test_admin_shows_the_trail_read_only_and_audits_user_edits(client, reference_data):
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    target = UserFactory(role=Role.CITY_OFFICER, full_name="旧名")
    AuditEvent.objects.all().delete()

    change_url = reverse("admin:portal_user_change", args=[target.pk])
    form = client.get(change_url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({"full_name": "新名", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["groups"] = []
    data["user_permissions"] = []
    data = {k: v for k, v in data.items() if v != []}
    response = client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.full_name == "新名"
    event = AuditEvent.objects.get(action="user.changed")
    assert event.actor == admin and "full_name" in event.changes["fields"]

    event_url = reverse("admin:portal_auditevent_change", args=[event.pk])
    assert client.post(event_url, {"action": "tampered"}).status_code == 403
    assert client.get(reverse("admin:portal_auditevent_add")).status_code == 403


@pytest.mark.django_db
def test_an_event_names_its_object_or_is_refused():
    from portal.audit import record_event

    with pytest.raises(ValueError, match="object_type"):
        record_event(actor=None, action="calendar.year_set")
    event = record_event(
        actor=None, action="calendar.year_set", object_type="portal.calendaryear",
        object_id="2027", object_repr="2027年工作日历",
    )  # fmt: skip
    assert (event.object_type, event.object_id, event.actor_label) == (
        "portal.calendaryear", "2027", "系统",
    )  # fmt: skip
