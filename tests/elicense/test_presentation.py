"""Presentation codes: shown by the enterprise, redeemed once by a clerk's scanner."""

import datetime

import pytest
from django.urls import reverse

from elicense import services
from elicense.models import Certificate, PresentationCode, Verification
from elicense.services.presentations import CODE_ALPHABET
from elicense.verification import Result, verify_token
from licensing import services as register_services
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海出示测试餐饮有限公司", legal_person_name="李娜")
    services.sign_certificate(certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk)
    return entity


@pytest.fixture
def legal_rep(holder):
    return enterprise_user(holder, full_name="李娜")


def _scan(code):
    return verify_token(code, channel="clerk_scan", verifier_label="徐汇窗口")


def test_code_is_short_qr_alphanumeric_and_stored_only_hashed(legal_rep):
    code, presentation = services.issue_presentation_code(acting_user=legal_rep)

    assert len(code) == 20 and set(code) <= set(CODE_ALPHABET)
    assert code not in presentation.code_hash
    from elicense import qr

    assert qr.version_for(code) <= 4


def test_a_code_verifies_once_and_names_the_presenter(legal_rep, holder):
    code, _ = services.issue_presentation_code(acting_user=legal_rep)

    first = _scan(code)
    second = _scan(code)

    assert first.result == Result.VALID
    assert first.certificate.holder_uscc == holder.uscc
    assert first.presenter == {
        "name": "李娜",
        "capacity": "法定代表人（负责人）",
        "authorisation": None,
    }
    assert second.result == Result.REPLAYED and "只能查验一次" in second.message
    assert list(Verification.objects.values_list("result", flat=True).order_by("id")) == [
        "valid",
        "replayed",
    ]


def test_an_expired_code_is_refused_with_its_reason(legal_rep, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC))
    code, _ = services.issue_presentation_code(acting_user=legal_rep)

    time_machine.move_to(datetime.datetime(2026, 11, 22, 10, 2, 1, tzinfo=datetime.UTC))
    outcome = _scan(code)

    assert outcome.result == Result.CODE_EXPIRED and "已过期" in outcome.message
    assert PresentationCode.objects.get().redeemed_at is None


def test_lower_case_scanner_input_still_matches(legal_rep):
    code, _ = services.issue_presentation_code(acting_user=legal_rep)
    assert _scan(f" {code.lower()}\n").result == Result.VALID


def test_an_unknown_code_is_not_found(signing_key):
    assert _scan("0" * 20).result == Result.NOT_FOUND


def test_a_revoked_licence_cannot_be_presented_as_valid(legal_rep, holder, xuhui_clerk):
    code, _ = services.issue_presentation_code(acting_user=legal_rep)
    register_services.revoke_entity(acting_user=xuhui_clerk, entity=holder, reason="吊销")

    assert _scan(code).result == Result.REVOKED


def test_clerk_scan_page_shows_the_verified_result(client, legal_rep, xuhui_clerk):
    code, _ = services.issue_presentation_code(acting_user=legal_rep)
    client.force_login(xuhui_clerk)

    page = client.post(reverse("elicense:scan"), {"token": code + "\r\n"}).content.decode()

    assert 'data-result="valid"' in page and "出示人：李娜" in page
    assert "上海出示测试餐饮有限公司" in page
    assert Verification.objects.get().verifier == xuhui_clerk


def test_scan_page_is_for_staff_only(client, legal_rep):
    client.force_login(legal_rep)
    assert client.get(reverse("elicense:scan")).status_code == 404


def test_enterprise_gets_fresh_codes_as_json(client, legal_rep):
    client.force_login(legal_rep)

    first = client.post(reverse("elicense:presentation_code")).json()
    second = client.post(reverse("elicense:presentation_code")).json()

    assert first["code"] != second["code"]
    assert first["expires_in"] == 120 and first["qr"].startswith("<svg")


def test_other_roles_cannot_get_codes(client, xuhui_clerk):
    client.force_login(xuhui_clerk)
    assert client.post(reverse("elicense:presentation_code")).status_code == 404
