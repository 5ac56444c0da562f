"""执照存档: the window scans the applicant's licence and files it with the 一业一证 case.

The clerk's story end to end (scan → print → file → the case lists it and the PDF opens),
the refusals (nothing written, a clear Chinese reason; out-of-scope ids answer 404),
idempotency, and completion through the outbox when the PDF is not rendered yet.
"""

import datetime
import io
import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from elicense import services as elicense_services
from elicense.models import Certificate, Verification
from elicense.queries.verifications import SCANNED_CERTIFICATE_HOURS
from portal.models import AuditEvent, OutboxMessage
from tests.factories import clerk, enterprise_user, register
from tests.yiyeyizheng.conftest import licensed, submitted
from yiyeyizheng.audit import YiyeyizhengAction
from yiyeyizheng.models import Attachment, AttachmentPurpose, LicenceFiling
from yiyeyizheng.services.applications import accept_application
from yiyeyizheng.services.filings import attach_filed_licence

pytestmark = pytest.mark.usefixtures("shared_catalogue")


@pytest.fixture(autouse=True)
def one_address(settings):
    """The PDF copy is kept per portal address: pages and tests render the same one."""
    settings.PUBLIC_BASE_URL = "https://portal.example.gov.cn"


@pytest.fixture
def signed_shop(shop, signing_key):
    certificate = Certificate.objects.get(holder_uscc=shop.uscc)
    elicense_services.sign_certificate(certificate_id=certificate.pk)
    return shop


@pytest.fixture
def application(signed_shop, owner, store_format):
    return submitted(owner, store_format)


def scan(client, clerk_user, presenter) -> uuid.UUID:
    """The clerk scans the presenter's presentation code; returns the logged check's id."""
    code, _ = elicense_services.issue_presentation_code(acting_user=presenter)
    client.force_login(clerk_user)
    client.post(reverse("elicense:scan"), {"token": code})
    return Verification.objects.filter(verifier=clerk_user).latest("created_at").check_id


def file(client, application, check_id):
    url = reverse("yiyeyizheng:licence_file", args=[application.number])
    return client.post(url, {"check_id": str(check_id)})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def rendered(certificate):
    elicense_services.render_certificate_pdf(certificate_id=certificate.pk)


def nothing_written():
    assert not LicenceFiling.objects.exists()
    assert not Attachment.objects.filter(purpose=AttachmentPurpose.SCANNED_LICENCE).exists()
    assert not AuditEvent.objects.filter(
        action=YiyeyizhengAction.YYZ_APPLICATION_LICENCE_FILED
    ).exists()


def test_the_clerks_story_scan_print_file_and_open(
    client, application, owner, xuhui_clerk, samr_reviewer, tobacco_reviewer,
    eager_tasks, django_capture_on_commit_callbacks,
):  # fmt: skip
    code, _ = elicense_services.issue_presentation_code(acting_user=owner)
    client.force_login(xuhui_clerk)
    page = client.post(reverse("elicense:scan"), {"token": code}).content.decode()
    check = Verification.objects.get(verifier=xuhui_clerk)

    # the scan result offers the print and the clerk's open case of this holder
    assert "data-holder-cases" in page and application.number in page
    assert reverse("yiyeyizheng:licence_file", args=[application.number]) in page
    assert f'name="check_id" value="{check.check_id}"' in page

    # 打印/下载执照: rendered by a task after the commit, then downloaded
    certificate = check.certificate
    pdf_url = reverse("elicense:certificate_pdf", args=[certificate.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(pdf_url).status_code == 202
    assert client.get(pdf_url).status_code == 200

    # 存档到办件
    response = file(client, application, check.check_id)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "yiyeyizheng:application_detail", args=[application.number]
    )
    assert any("已将" in m and application.number in m for m in messages_of(response))
    filing = LicenceFiling.objects.get()
    assert (filing.check_id, filing.checked_at) == (check.check_id, check.created_at)
    assert (filing.verifier, filing.check_result) == (xuhui_clerk, "valid")
    assert filing.certificate_number == certificate.number
    assert filing.certificate_public_id == certificate.public_id
    event = AuditEvent.objects.get(action=YiyeyizhengAction.YYZ_APPLICATION_LICENCE_FILED)
    assert event.actor == xuhui_clerk and event.changes["check_id"] == str(check.check_id)

    # the case page lists it with its check, and the PDF opens
    detail = client.get(response["Location"]).content.decode()
    assert f'data-filed-licence="{certificate.number}"' in detail
    assert str(check.check_id) in detail and "证照有效" in detail
    download = reverse(
        "yiyeyizheng:attachment_download", args=[application.number, filing.attachment_id]
    )
    assert download in detail
    body = b"".join(client.get(download).streaming_content)
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "上海便利多商贸有限公司" in text and certificate.number in text

    # the applicant and the departments concerned see it too
    accept_application(acting_user=xuhui_clerk, application=application)
    review = application.reviews.get(department__code="tobacco_district")
    client.force_login(tobacco_reviewer)
    review_page = client.get(reverse("yiyeyizheng:review_detail", args=[review.pk]))
    assert download in review_page.content.decode()
    assert client.get(download).status_code == 200
    client.force_login(owner)
    assert download in client.get(response["Location"]).content.decode()


def test_the_same_check_filed_twice_is_one_filing(client, application, owner, xuhui_clerk):
    rendered(Certificate.objects.get(holder_uscc=application.entity_uscc))
    check_id = scan(client, xuhui_clerk, owner)

    file(client, application, check_id)
    file(client, application, check_id)

    assert LicenceFiling.objects.count() == 1
    assert Attachment.objects.filter(purpose=AttachmentPurpose.SCANNED_LICENCE).count() == 1
    assert (
        AuditEvent.objects.filter(action=YiyeyizhengAction.YYZ_APPLICATION_LICENCE_FILED).count()
        == 1
    )


def test_a_pdf_not_rendered_yet_is_attached_by_a_task_through_the_outbox(
    client, application, owner, xuhui_clerk
):
    check_id = scan(client, xuhui_clerk, owner)

    response = file(client, application, check_id)

    filing = LicenceFiling.objects.get()
    assert filing.attachment is None
    assert any("正在生成" in m for m in messages_of(response))
    message = OutboxMessage.objects.get(task_name="yiyeyizheng.tasks.attach_filed_licence")
    assert message.args == [filing.pk]
    page = client.get(reverse("yiyeyizheng:application_detail", args=[application.number]))
    assert "PDF正在生成" in page.content.decode()

    attachment_id = attach_filed_licence(filing_id=filing.pk)
    assert attach_filed_licence(filing_id=filing.pk) == attachment_id  # a redelivery: no copy

    filing.refresh_from_db()
    assert filing.attachment_id == attachment_id
    assert filing.attachment.content_type == "application/pdf" and filing.attachment.size > 0
    assert Attachment.objects.filter(purpose=AttachmentPurpose.SCANNED_LICENCE).count() == 1


# --- refusals: a clear Chinese reason, nothing written -----------------------------------
def refused(response, words):
    assert response.status_code == 302
    found = messages_of(response)
    assert any(words in m for m in found), found
    nothing_written()


def test_a_forged_check_id_is_refused(client, application, xuhui_clerk):
    client.force_login(xuhui_clerk)
    refused(file(client, application, uuid.uuid4()), "没有找到您的这次查验记录")
    refused(file(client, application, "not-a-check"), "查验编号无效")


def test_another_clerks_check_is_refused(client, application, owner, xuhui_clerk):
    colleague = clerk("310104", username="clerk_xh2")
    check_id = scan(client, colleague, owner)

    client.force_login(xuhui_clerk)
    refused(file(client, application, check_id), "没有找到您的这次查验记录")


def test_another_holders_check_is_refused(client, application, xuhui_clerk, signing_key):
    other = register(xuhui_clerk, name="上海另一家贸易有限公司")
    elicense_services.sign_certificate(
        certificate_id=Certificate.objects.get(holder_uscc=other.uscc).pk
    )
    check_id = scan(client, xuhui_clerk, enterprise_user(other, username="other_rep"))

    refused(file(client, application, check_id), "不是申请")


def test_an_invalid_check_is_refused(client, application, owner, xuhui_clerk):
    code, _ = elicense_services.issue_presentation_code(acting_user=owner)
    client.force_login(xuhui_clerk)
    client.post(reverse("elicense:scan"), {"token": code})
    client.post(reverse("elicense:scan"), {"token": code})  # replayed
    replayed = Verification.objects.get(result="replayed")

    refused(file(client, application, replayed.check_id), "出示码已被使用")


def test_a_check_older_than_allowed_is_refused(
    client, application, owner, xuhui_clerk, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.UTC))
    check_id = scan(client, xuhui_clerk, owner)
    time_machine.move_to(
        datetime.datetime(2026, 11, 23, 1, 1, tzinfo=datetime.UTC)
        + datetime.timedelta(hours=SCANNED_CERTIFICATE_HOURS)
    )
    client.cookies.clear()  # a new session: the idle one has timed out
    client.force_login(xuhui_clerk)

    refused(file(client, application, check_id), f"已超过{SCANNED_CERTIFICATE_HOURS}小时")


def test_a_licence_revoked_since_the_check_is_refused(client, application, owner, xuhui_clerk):
    check_id = scan(client, xuhui_clerk, owner)
    certificate = Certificate.objects.get(holder_uscc=application.entity_uscc)
    elicense_services.revoke_certificate(
        certificate=certificate, acting_user=xuhui_clerk, reason="吊销营业执照"
    )

    refused(file(client, application, check_id), "证照已被吊销")


def test_a_finished_case_is_refused(
    client, signed_shop, owner, store_format, xuhui_clerk, samr_reviewer, tobacco_reviewer
):
    done = licensed(owner, xuhui_clerk, store_format, [samr_reviewer, tobacco_reviewer])
    code, _ = elicense_services.issue_presentation_code(acting_user=owner)
    client.force_login(xuhui_clerk)
    page = client.post(reverse("elicense:scan"), {"token": code}).content.decode()
    check_id = Verification.objects.get(verifier=xuhui_clerk).check_id

    assert "data-no-holder-cases" in page and done.number not in page
    refused(file(client, done, check_id), "不能再存档")


def test_another_districts_case_answers_404(client, application, owner, reference_data):
    pudong = clerk("310115", username="clerk_pd")
    check_id = scan(client, pudong, owner)

    assert file(client, application, check_id).status_code == 404
    nothing_written()


def test_only_the_window_files(client, application, owner, xuhui_clerk, samr_reviewer):
    check_id = scan(client, xuhui_clerk, owner)
    accept_application(acting_user=xuhui_clerk, application=application)

    client.force_login(samr_reviewer)  # sees the case, may not file with it
    assert file(client, application, check_id).status_code == 404
    client.force_login(owner)
    assert file(client, application, check_id).status_code == 404
    nothing_written()


def test_filing_needs_the_csrf_token(application, owner, xuhui_clerk):
    check_id = scan(Client(), xuhui_clerk, owner)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(xuhui_clerk)

    assert file(guarded, application, check_id).status_code == 403
    nothing_written()


def test_the_applicant_can_neither_upload_nor_delete_a_filed_licence(
    client, application, owner, xuhui_clerk
):
    from django.core.exceptions import ValidationError

    from tests.yiyeyizheng.conftest import pdf_upload
    from yiyeyizheng.services.applications import return_application
    from yiyeyizheng.services.attachments import add_attachment, remove_attachment

    rendered(Certificate.objects.get(holder_uscc=application.entity_uscc))
    file(client, application, scan(client, xuhui_clerk, owner))
    return_application(acting_user=xuhui_clerk, application=application, notice="补正场所证明")
    application.refresh_from_db()

    with pytest.raises(ValidationError, match="请选择材料类型"):
        add_attachment(
            acting_user=owner,
            application=application,
            purpose=AttachmentPurpose.SCANNED_LICENCE,
            upload=pdf_upload(),
        )
    with pytest.raises(ValidationError, match="不能删除"):
        remove_attachment(acting_user=owner, attachment=LicenceFiling.objects.get().attachment)
    assert LicenceFiling.objects.get().attachment is not None


def test_a_check_still_in_the_stream_is_refused_until_drained(
    client, application, owner, xuhui_clerk, settings, monkeypatch
):
    """With the stream log (ADR 0024) the check reaches the table a moment later: until then
    the clerk is told to try again in a few seconds, and nothing is written; once drained, the
    same check files."""
    import redis

    from elicense.services import verification_log
    from tests.faults import private_redis, use_redis

    rendered(Certificate.objects.get(holder_uscc=application.entity_uscc))
    with private_redis() as server:
        use_redis(settings, server.url)
        settings.VERIFICATION_LOG = "stream"
        monkeypatch.setattr(verification_log, "_writer", verification_log._Writer())
        code, _ = elicense_services.issue_presentation_code(acting_user=owner)
        client.force_login(xuhui_clerk)
        page = client.post(reverse("elicense:scan"), {"token": code}).content.decode()
        assert not Verification.objects.exists()
        check_id = page.split("<code data-check-id>")[1].split("</code>")[0]

        refused(file(client, application, check_id), "请几秒后再试")

        drainer = verification_log.Drainer(redis.Redis.from_url(server.url), block_ms=1)
        assert drainer.step() == 1
        file(client, application, check_id)

    assert str(LicenceFiling.objects.get().check_id) == check_id


def test_an_administrator_finds_a_filing_by_its_check_id_and_cannot_change_it(
    client, application, owner, xuhui_clerk, administrator
):
    rendered(Certificate.objects.get(holder_uscc=application.entity_uscc))
    check_id = scan(client, xuhui_clerk, owner)
    file(client, application, check_id)
    filing = LicenceFiling.objects.get()

    client.force_login(administrator)
    changelist = reverse("admin:yiyeyizheng_licencefiling_changelist")
    found = client.get(changelist, {"q": str(check_id)}).content.decode()
    assert application.number in found and filing.certificate_number in found
    assert (
        application.number not in client.get(changelist, {"q": str(uuid.uuid4())}).content.decode()
    )
    by_name = client.get(changelist, {"q": filing.holder_name[:4]})
    assert by_name.status_code == 200 and application.number in by_name.content.decode()

    page = client.get(reverse("admin:yiyeyizheng_licencefiling_change", args=[filing.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:yiyeyizheng_licencefiling_add")).status_code == 403
    delete = reverse("admin:yiyeyizheng_licencefiling_delete", args=[filing.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LicenceFiling.objects.filter(pk=filing.pk).exists()
