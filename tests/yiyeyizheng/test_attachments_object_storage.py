"""一业一证 attachments in S3-compatible object storage (ADR 0026), against a real S3
protocol server on loopback: stored in the bucket under their random names, streamed to the
applicant, 404 for another entity, and removed from the bucket with the attachment."""

import pytest
from django.urls import reverse

from tests.factories import enterprise_user, register
from tests.yiyeyizheng.conftest import PDF, pdf_upload, start
from yiyeyizheng.services.attachments import add_attachment, remove_attachment

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


def _keys(s3, bucket) -> list[str]:
    return [item["Key"] for item in s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_attachment_is_stored_in_the_bucket_and_served_to_the_case_only(
    client, s3, bucket, owner, store_format, xuhui_clerk, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    application = start(owner, store_format)
    attachment = add_attachment(
        acting_user=owner, application=application, purpose="premises_proof", upload=pdf_upload()
    )

    assert _keys(s3, bucket) == [attachment.file.name]
    assert s3.client().get_object(Bucket=bucket, Key=attachment.file.name)["Body"].read() == PDF
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))

    url = reverse("yiyeyizheng:attachment_download", args=[application.number, attachment.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF

    client.force_login(
        enterprise_user(register(xuhui_clerk, name="上海隔壁有限公司"), username="nb")
    )
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        remove_attachment(acting_user=owner, attachment=attachment)
    assert _keys(s3, bucket) == []
