"""Certificate PDFs in S3-compatible object storage (ADR 0026), against a real S3 protocol
server on loopback: rendered by the task into the bucket (nothing under MEDIA_ROOT),
streamed to the holder or handed over by a short-lived signed URL, 404 for anyone else."""

import io
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse
from pypdf import PdfReader

from elicense import services
from elicense.models import Certificate
from elicense.pdf import pdf_name
from licensing.models import MarketEntity
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def served_at(settings):
    """The PDF's name carries the portal's address (``pdf_name``): render it for the
    address the test client asks, whichever host an earlier test was served at."""
    settings.PUBLIC_BASE_URL = "http://testserver"


@pytest.fixture
def certificate(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海对象存储餐饮有限公司")
    pending = Certificate.objects.get(holder_uscc=entity.uscc)
    return services.sign_certificate(certificate_id=pending.pk)


def _holder(certificate):
    return enterprise_user(MarketEntity.objects.get(uscc=certificate.holder_uscc))


def test_the_pdf_is_rendered_into_the_bucket_and_streamed_to_its_holder(
    client, s3, bucket, certificate, eager_tasks, django_capture_on_commit_callbacks, settings
):
    client.force_login(_holder(certificate))
    url = reverse("elicense:certificate_pdf", args=[certificate.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202  # the worker renders it after the commit

    stored = s3.client().get_object(Bucket=bucket, Key=pdf_name(certificate))["Body"].read()
    assert stored.startswith(b"%PDF") and PdfReader(io.BytesIO(stored)).pages
    assert not (settings.MEDIA_ROOT / "certificates").exists()

    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(stored))
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == stored


def test_a_signed_url_for_the_holder_and_404_for_another_holder(
    client, s3, bucket, certificate, xuhui_clerk, settings
):
    services.render_certificate_pdf(certificate_id=certificate.pk)
    stored = s3.client().get_object(Bucket=bucket, Key=pdf_name(certificate))["Body"].read()
    settings.STORAGE_DOWNLOADS = "redirect"
    url = reverse("elicense:certificate_pdf", args=[certificate.public_id])

    client.force_login(_holder(certificate))
    response = client.get(url)
    assert response.status_code == 302
    signed = urllib.parse.urlsplit(response["Location"])
    query = urllib.parse.parse_qs(signed.query)
    assert (
        signed.netloc == f"127.0.0.1:{s3.port}"
        and signed.path == f"/{bucket}/{pdf_name(certificate)}"
    )
    assert (
        query["X-Amz-Expires"] == [str(settings.STORAGE_URL_SECONDS)] and "X-Amz-Signature" in query
    )
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:  # noqa: S310 - loopback
        assert fetched.read() == stored
    # Unsigned, the bucket is private.
    unsigned = f"{s3.endpoint}/{bucket}/{pdf_name(certificate)}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310 - loopback
    assert refused.value.code == 403

    client.force_login(enterprise_user(register(xuhui_clerk, name="上海邻店有限公司")))
    assert client.get(url).status_code == 404
