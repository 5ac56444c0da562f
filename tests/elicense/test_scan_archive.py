"""执照存档, the credential side: a clerk who has just scanned a licence valid may print it.

The rule (``elicense.print_certificate`` → ``scanned_valid_by_the_user_lately``): window staff
print and download a certificate version they themselves scanned valid at the window within
``SCANNED_CERTIFICATE_HOURS`` hours, as logged in the 查验记录.
"""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from elicense import services
from elicense.models import Certificate, Verification
from elicense.queries.verifications import SCANNED_CERTIFICATE_HOURS, logged_check
from tests.factories import clerk, enterprise_user, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海存档测试餐饮有限公司", legal_person_name="王芳")
    services.sign_certificate(certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk)
    return entity


@pytest.fixture
def legal_rep(holder):
    return enterprise_user(holder, full_name="王芳")


@pytest.fixture
def pudong_clerk(reference_data):
    """A clerk of another district than the one that issued the licence."""
    return clerk("310115", username="clerk_pd")


def _scan(client, user, legal_rep):
    code, _ = services.issue_presentation_code(acting_user=legal_rep)
    client.force_login(user)
    return client.post(reverse("elicense:scan"), {"token": code}).content.decode()


def _pdf_url(holder):
    certificate = Certificate.objects.get(holder_uscc=holder.uscc)
    return reverse("elicense:certificate_pdf", args=[certificate.public_id])


def test_the_scan_result_names_its_check_and_offers_print_and_download(
    client, pudong_clerk, legal_rep, holder
):
    page = _scan(client, pudong_clerk, legal_rep)

    check = Verification.objects.get()
    assert 'data-result="valid"' in page
    assert f"<code data-check-id>{check.check_id}</code>" in page
    assert _pdf_url(holder) in page and "打印执照" in page
    assert "存档到办件" in page and "data-no-holder-cases" in page


def test_a_clerk_of_another_district_prints_what_they_scanned_valid(
    client, pudong_clerk, legal_rep, holder, eager_tasks, django_capture_on_commit_callbacks
):
    url = _pdf_url(holder)
    client.force_login(pudong_clerk)
    assert client.get(url).status_code == 404  # not issued in Pudong, not scanned yet

    _scan(client, pudong_clerk, legal_rep)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202  # rendered after the commit
    response = client.get(url)

    assert response.status_code == 200
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "上海存档测试餐饮有限公司" in text and holder.uscc in text
    certificate = Certificate.objects.get(holder_uscc=holder.uscc)
    printed = client.get(reverse("elicense:certificate_print", args=[certificate.public_id]))
    assert printed.status_code == 200


def test_another_clerks_scan_does_not_let_this_clerk_print(
    client, pudong_clerk, legal_rep, holder, reference_data
):
    other = clerk("310115", username="clerk_pd2")
    _scan(client, other, legal_rep)

    client.force_login(pudong_clerk)
    assert client.get(_pdf_url(holder)).status_code == 404


def test_an_invalid_scan_lets_nobody_print(client, pudong_clerk, xuhui_clerk, legal_rep, holder):
    from licensing import services as register_services

    code, _ = services.issue_presentation_code(acting_user=legal_rep)
    register_services.revoke_entity(acting_user=xuhui_clerk, entity=holder, reason="吊销")
    client.force_login(pudong_clerk)
    page = client.post(reverse("elicense:scan"), {"token": code}).content.decode()

    assert 'data-result="revoked"' in page and "data-scan-archive" not in page
    assert client.get(_pdf_url(holder)).status_code == 404


def test_a_scan_older_than_the_window_no_longer_lets_the_clerk_print(
    client, pudong_clerk, legal_rep, holder, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC))
    _scan(client, pudong_clerk, legal_rep)
    url = _pdf_url(holder)
    assert client.get(url).status_code == 202

    time_machine.move_to(
        datetime.datetime(2026, 11, 23, 1, 1, tzinfo=datetime.UTC)
        + datetime.timedelta(hours=SCANNED_CERTIFICATE_HOURS)
    )
    client.cookies.clear()  # a new session: the idle one has timed out
    client.force_login(pudong_clerk)
    assert client.get(url).status_code == 404


def test_the_logged_check_is_read_back_only_for_its_verifier(
    client, pudong_clerk, xuhui_clerk, legal_rep, holder
):
    _scan(client, pudong_clerk, legal_rep)
    check_id = Verification.objects.get().check_id

    check = logged_check(check_id, verifier=pudong_clerk)
    assert check.is_valid_scan and check.is_recent and check.holder_uscc == holder.uscc
    assert logged_check(check_id, verifier=xuhui_clerk) is None
    assert logged_check("not-a-uuid", verifier=pudong_clerk) is None
