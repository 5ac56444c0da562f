"""Administrators see applications and composite licences in the admin, read-only."""

import pytest
from django.urls import reverse

from tests.yiyeyizheng.conftest import licensed
from yiyeyizheng.models import CompositeLicence

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


@pytest.fixture
def application(owner, xuhui_clerk, store_format, samr_reviewer, tobacco_reviewer):
    return licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer])


def test_an_application_shows_its_reviews_but_not_its_verification_code(
    client, administrator, application
):
    client.force_login(administrator)
    listing = client.get(reverse("admin:yiyeyizheng_application_changelist"))
    assert application.number in listing.content.decode()
    page = client.get(reverse("admin:yiyeyizheng_application_change", args=[application.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "食品经营许可" in body and "烟草专卖零售许可" in body
    assert application.verification_code not in body
    assert 'name="_save"' not in body  # nothing is edited here


def test_composite_licences_are_listed_and_cannot_be_added_or_deleted(
    client, administrator, application
):
    client.force_login(administrator)
    licence = application.licence
    listing = client.get(reverse("admin:yiyeyizheng_compositelicence_changelist"))
    assert licence.number in listing.content.decode()
    assert client.get(reverse("admin:yiyeyizheng_compositelicence_add")).status_code == 403
    delete = reverse("admin:yiyeyizheng_compositelicence_delete", args=[licence.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CompositeLicence.objects.filter(pk=licence.pk).exists()
