"""The register issues, supersedes and ends certificates; signing follows the commit."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from elicense import services
from elicense.models import Certificate
from licensing import services as register_services
from portal.models import AuditEvent
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


def test_registration_issues_a_certificate_signed_after_commit(
    xuhui_clerk, signing_key, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entity = register(xuhui_clerk, name="上海春申餐饮管理有限公司")

    certificate = Certificate.objects.get(holder_uscc=entity.uscc)
    # The signing task, then (registered by the signing) the signed certificate's
    # invalidation in every worker's memory (ADR 0024); the PDF is rendered on first download.
    assert len(callbacks) == 2
    assert certificate.kind == "business_licence" and certificate.status == "active"
    assert certificate.holder_name == "上海春申餐饮管理有限公司"
    assert certificate.key_id == signing_key.kid
    assert certificate.signature.count(".") == 2
    assert AuditEvent.objects.filter(action="certificate.signed").count() == 1


def test_certificate_stays_pending_until_the_transaction_commits(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk)  # the test transaction never commits
    assert Certificate.objects.get(holder_uscc=entity.uscc).status == "pending_signature"


def test_signing_twice_changes_nothing(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk)
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)

    first = services.sign_certificate(certificate_id=certificate.pk)
    second = services.sign_certificate(certificate_id=certificate.pk)

    assert (first.signature, first.signed_at) == (second.signature, second.signed_at)
    assert AuditEvent.objects.filter(action="certificate.signed").count() == 1


def test_signing_without_an_active_key_raises_so_the_task_retries(xuhui_clerk):
    entity = register(xuhui_clerk)
    certificate = Certificate.objects.get(holder_uscc=entity.uscc)

    with pytest.raises(ImproperlyConfigured, match="没有签发中的密钥"):
        services.sign_certificate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == "pending_signature"


def test_change_supersedes_both_certificates_and_links_the_versions(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海旧名餐饮有限公司")
    issue_food(xuhui_clerk, entity)

    register_services.change_registration(
        acting_user=xuhui_clerk, entity=entity, name="上海新名餐饮有限公司"
    )

    old_bl, new_bl = Certificate.objects.filter(kind="business_licence").order_by("pk")
    assert old_bl.status == "superseded" and new_bl.supersedes == old_bl
    assert new_bl.holder_name == "上海新名餐饮有限公司"
    old_fl, new_fl = Certificate.objects.filter(kind="food_licence").order_by("pk")
    assert old_fl.status == "superseded" and new_fl.number == old_fl.number
    assert new_fl.face["operator_name"] == "上海新名餐饮有限公司"


@pytest.mark.parametrize(
    ("end", "status"),
    [(register_services.cancel_entity, "cancelled"), (register_services.revoke_entity, "revoked")],
)
def test_ending_the_entity_ends_its_certificates(xuhui_clerk, signing_key, end, status):
    entity = register(xuhui_clerk)
    issue_food(xuhui_clerk, entity)

    end(acting_user=xuhui_clerk, entity=entity, reason="依法处理")

    statuses = dict(Certificate.objects.values_list("kind", "status"))
    assert statuses == {"business_licence": status, "food_licence": "cancelled"}


def test_expiring_a_food_licence_expires_its_certificate(xuhui_clerk, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC))
    entity = register(xuhui_clerk)
    issue_food(xuhui_clerk, entity, valid_from=datetime.date(2020, 1, 1))

    register_services.expire_food_licences()

    assert Certificate.objects.get(kind="food_licence").status == "expired"


def test_backfill_certifies_licences_issued_before_the_e_licence(xuhui_clerk):
    from django.core.management import call_command

    entity = register(xuhui_clerk)
    Certificate.objects.all().delete()

    call_command("certify_register", verbosity=0)
    call_command("certify_register", verbosity=0)  # idempotent

    assert Certificate.objects.get().holder_uscc == entity.uscc
