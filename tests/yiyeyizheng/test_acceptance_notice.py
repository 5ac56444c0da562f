"""受理通知书: once the window accepts an application, the clerk and the applicant download a
real PDF naming the items, the departments, their deadlines and how to follow progress."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from pypdf import PdfReader

from tests.yiyeyizheng.conftest import submitted
from yiyeyizheng.services.applications import accept_application

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


def _pdf(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_the_clerk_and_the_applicant_download_the_acceptance_notice(
    client, owner, xuhui_clerk, store_format
):
    application = submitted(owner, store_format)
    url = reverse("yiyeyizheng:acceptance_notice", args=[application.number])
    client.force_login(owner)
    early = client.get(url)
    assert early.status_code == 302  # not accepted yet: back to the application, told why

    accept_application(acting_user=xuhui_clerk, application=application)
    client.force_login(xuhui_clerk)
    detail = client.get(reverse("yiyeyizheng:application_detail", args=[application.number]))
    assert "data-acceptance-notice" in detail.content.decode()

    reader = _pdf(client.get(url))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "受理通知书" in text and application.number in text
    assert application.entity_name in text and application.verification_code in text
    for review in application.reviews.select_related("department"):
        assert review.permit_name in text and review.department.name in text

    images = [image.image for page in reader.pages for image in page.images]
    decoded = [r.text for image in images for r in zxingcpp.read_barcodes(image)]
    assert len(decoded) == 1
    assert reverse("yiyeyizheng:progress") in decoded[0]
    assert f"number={application.number}" in decoded[0]
    assert f"code={application.verification_code}" in decoded[0]

    client.force_login(owner)
    assert "受理通知书" in "".join(p.extract_text() for p in _pdf(client.get(url)).pages)


def test_another_district_cannot_download_it(
    client, owner, xuhui_clerk, huangpu_clerk, store_format
):
    application = submitted(owner, store_format)
    accept_application(acting_user=xuhui_clerk, application=application)
    client.force_login(huangpu_clerk)
    url = reverse("yiyeyizheng:acceptance_notice", args=[application.number])
    assert client.get(url).status_code == 404
