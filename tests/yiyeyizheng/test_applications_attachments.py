"""Attachments: PDF, JPEG or PNG by content, bounded size, private to the case."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import enterprise_user, register
from tests.yiyeyizheng.conftest import PDF, pdf_upload, start
from yiyeyizheng.models import Attachment
from yiyeyizheng.services.attachments import add_attachment

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def application(owner, store_format):
    return start(owner, store_format)


def media_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_pdf_is_stored_under_media_with_a_random_name(owner, application, settings):
    attachment = add_attachment(
        acting_user=owner, application=application, purpose="premises_proof", upload=pdf_upload()
    )
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.original_name == "场所证明.pdf"
    assert attachment.file.name.startswith(f"yiyeyizheng/{application.number}/")
    assert attachment.file.name.endswith(".pdf") and "场所" not in attachment.file.name
    assert [p.read_bytes() for p in media_files(settings)] == [PDF]


def test_a_png_is_recognised_by_content_whatever_its_name(owner, application):
    attachment = add_attachment(
        acting_user=owner, application=application, purpose="floor_plan",
        upload=pdf_upload("plan.pdf", PNG),
    )  # fmt: skip
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")


def test_a_wrong_type_is_refused_and_nothing_written(owner, application, settings):
    with pytest.raises(ValidationError, match="只接受 PDF、JPEG 或 PNG"):
        add_attachment(
            acting_user=owner, application=application, purpose="premises_proof",
            upload=pdf_upload("证明.pdf", b"MZ\x90\x00 not really a pdf"),
        )  # fmt: skip
    assert not Attachment.objects.exists()
    assert media_files(settings) == []


def test_an_oversize_file_is_refused_and_nothing_written(owner, application, settings):
    settings.YIYEYIZHENG_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="文件过大"):
        add_attachment(
            acting_user=owner, application=application, purpose="premises_proof",
            upload=pdf_upload(content=PDF + b"0" * 2048),
        )  # fmt: skip
    assert not Attachment.objects.exists()
    assert media_files(settings) == []


def test_only_the_entity_the_clerk_and_the_departments_concerned_download(
    client, owner, application, xuhui_clerk, samr_reviewer
):
    attachment = add_attachment(
        acting_user=owner, application=application, purpose="premises_proof", upload=pdf_upload()
    )
    url = reverse("yiyeyizheng:attachment_download", args=[application.number, attachment.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    outsider = enterprise_user(register(xuhui_clerk, name="上海邻居有限公司"), username="nb")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(samr_reviewer)
    assert client.get(url).status_code == 404


def test_upload_page_shows_the_chinese_error(client, owner, application):
    client.force_login(owner)
    url = reverse("yiyeyizheng:attachment_upload", args=[application.number])
    response = client.post(
        url, {"purpose": "premises_proof", "file": pdf_upload("a.pdf", b"GIF89a....")}, follow=True
    )
    assert "只接受 PDF、JPEG 或 PNG" in response.content.decode()
    assert not Attachment.objects.exists()
