"""PDF copies: real WeasyPrint output with CJK fonts, a decodable token QR, scoped downloads."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from pypdf import PdfReader

from elicense import services
from elicense.models import Certificate
from elicense.pdf import pdf_path
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海打印测试餐饮管理有限公司")
    pending = Certificate.objects.get(holder_uscc=entity.uscc)
    return services.sign_certificate(certificate_id=pending.pk)


def _fonts(reader):
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_pdf_carries_the_face_and_embeds_a_cjk_font(certificate):
    path = services.render_certificate_pdf(certificate_id=certificate.pk)

    reader = PdfReader(path)
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    assert certificate.holder_uscc in text
    assert "上海打印测试餐饮管理有限公司" in text and "统一社会信用代码" in text
    assert certificate.key_id in text
    # Set in the cut font (ADR 0024); every character of this face is in GB 2312.
    assert any("Portal-Sans-SC" in font for font in _fonts(reader)), _fonts(reader)


def test_rare_name_characters_render_through_the_noto_cjk_fallback(xuhui_clerk, signing_key):
    """堃, 犇 and 㵘 (CJK Extension A) are outside the cut font: Noto Sans CJK sets them."""
    entity = register(xuhui_clerk, name="上海堃犇㵘餐饮有限公司")
    pending = Certificate.objects.get(holder_uscc=entity.uscc)
    certificate = services.sign_certificate(certificate_id=pending.pk)

    reader = PdfReader(services.render_certificate_pdf(certificate_id=certificate.pk))

    text = "".join(page.extract_text() for page in reader.pages)
    assert "上海堃犇㵘餐饮有限公司" in text
    fonts = _fonts(reader)
    assert any("Portal-Sans-SC" in font for font in fonts)
    assert any("Noto-Sans-CJK" in font for font in fonts)


def test_pdf_qr_decodes_to_the_signed_token(certificate):
    reader = PdfReader(services.render_certificate_pdf(certificate_id=certificate.pk))

    images = [image.image for page in reader.pages for image in page.images]
    decoded = [r.text for image in images for r in zxingcpp.read_barcodes(image)]

    assert decoded == [certificate.signature]


def test_rendering_twice_reuses_the_cached_file(certificate):
    first = services.render_certificate_pdf(certificate_id=certificate.pk)
    stamp = pdf_path(certificate).stat().st_mtime_ns

    assert services.render_certificate_pdf(certificate_id=certificate.pk) == first
    assert pdf_path(certificate).stat().st_mtime_ns == stamp


def test_enterprise_downloads_its_own_pdf(
    client, certificate, xuhui_clerk, eager_tasks, django_capture_on_commit_callbacks
):
    from licensing.models import MarketEntity

    client.force_login(enterprise_user(MarketEntity.objects.get(uscc=certificate.holder_uscc)))
    url = reverse("elicense:certificate_pdf", args=[certificate.public_id])

    with django_capture_on_commit_callbacks(execute=True) as rendering:
        assert client.get(url).status_code == 202  # rendered after the request's commit
        assert client.get(url).status_code == 202  # asked once while it is pending
    response = client.get(url)

    assert len(rendering) == 1
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert PdfReader(io.BytesIO(body)).pages


def test_another_entitys_pdf_answers_404(client, certificate, xuhui_clerk):
    other = register(xuhui_clerk)
    client.force_login(enterprise_user(other))

    url = reverse("elicense:certificate_pdf", args=[certificate.public_id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("elicense:certificate_print", args=[certificate.public_id])).status_code
        == 404
    )


def test_print_view_shows_the_token_qr(client, certificate):
    from licensing.models import MarketEntity

    client.force_login(enterprise_user(MarketEntity.objects.get(uscc=certificate.holder_uscc)))

    page = client.get(reverse("elicense:certificate_print", args=[certificate.public_id]))

    assert page.status_code == 200
    assert "打印件查验二维码" in page.content.decode()
