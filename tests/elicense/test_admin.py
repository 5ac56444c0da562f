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


@pytest.fixture
def administrator(reference_data):
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def _approved_party():
    from elicense.services.relying_parties import create_relying_party, party_for_key

    party, key = create_relying_party(name="国密外卖平台", peak_qps=5)
    assert party_for_key(key).require_sm2 is False  # now held in process memory
    return party, key


def test_an_administrator_requires_sm2_with_an_action_the_next_lookup_sees(client, administrator):
    from elicense.models import RelyingParty
    from elicense.services.relying_parties import party_for_key
    from portal.models import AuditEvent

    party, key = _approved_party()
    client.force_login(administrator)
    changelist = reverse("admin:elicense_relyingparty_changelist")

    response = client.post(
        changelist, {"action": "require_sm2", "_selected_action": [party.pk]}, follow=True
    )

    assert "已要求国密（SM2）签名" in response.content.decode()
    assert RelyingParty.objects.get(pk=party.pk).require_sm2 is True
    assert party_for_key(key).require_sm2 is True  # memory forgot the old party
    assert AuditEvent.objects.filter(action="relying_party.sm2_required").count() == 1

    client.post(changelist, {"action": "allow_without_sm2", "_selected_action": [party.pk]})
    assert party_for_key(key).require_sm2 is False


def test_the_change_form_cannot_set_sm2_around_the_service(client, administrator):
    party, _key = _approved_party()
    client.force_login(administrator)

    page = client.get(reverse("admin:elicense_relyingparty_change", args=[party.pk]))

    assert 'name="require_sm2"' not in page.content.decode()


def test_an_edit_in_the_admin_is_seen_on_the_next_lookup(client, administrator):
    from elicense.queries import memory
    from elicense.services.relying_parties import save_party_from_admin

    party, key = _approved_party()
    party.peak_qps = 50

    save_party_from_admin(acting_user=administrator, party=party, changed_fields=["peak_qps"])

    assert not [p for p, _ in memory.parties.data.values() if p.pk == party.pk]
