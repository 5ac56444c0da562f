"""A clerk prints and downloads what the district issued: the entity page links to the print
view and the PDF of each current certificate; another district's clerk gets 404."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from elicense import services
from elicense.models import Certificate
from tests.factories import issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海窗口打印餐饮有限公司")
    issue_food(xuhui_clerk, entity)
    for pending in Certificate.objects.filter(holder_uscc=entity.uscc, signature=""):
        services.sign_certificate(certificate_id=pending.pk)
    return entity


def test_the_issuing_districts_clerk_prints_and_downloads_the_certificates(
    client, xuhui_clerk, entity
):
    client.force_login(xuhui_clerk)
    page = client.get(reverse("licensing:entity_detail", args=[entity.pk])).content.decode()
    certificates = list(Certificate.objects.filter(holder_uscc=entity.uscc))
    assert len(certificates) == 2
    for certificate in certificates:
        assert f'data-printable="{certificate.public_id}"' in page
        assert reverse("elicense:certificate_print", args=[certificate.public_id]) in page

    business = next(c for c in certificates if c.kind == "business_licence")
    printed = client.get(reverse("elicense:certificate_print", args=[business.public_id]))
    assert printed.status_code == 200 and "上海窗口打印餐饮有限公司" in printed.content.decode()

    url = reverse("elicense:certificate_pdf", args=[business.public_id])
    assert client.get(url).status_code in (200, 202)  # 202: rendering, the page refreshes
    services.render_certificate_pdf(certificate_id=business.pk)  # what the worker does
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(download))).pages)
    assert entity.uscc in text


def test_another_districts_clerk_cannot_print(client, huangpu_clerk, entity):
    client.force_login(huangpu_clerk)
    certificate = Certificate.objects.filter(holder_uscc=entity.uscc).first()

    assert (
        client.get(reverse("elicense:certificate_print", args=[certificate.public_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("elicense:certificate_pdf", args=[certificate.public_id])).status_code
        == 404
    )


def test_the_print_links_cost_one_query_whatever_the_number_of_certificates(
    client, xuhui_clerk, entity
):
    client.force_login(xuhui_clerk)
    url = reverse("licensing:entity_detail", args=[entity.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    issue_food(xuhui_clerk, entity, premises_address="上海市徐汇区另一处1号")
    for pending in Certificate.objects.filter(holder_uscc=entity.uscc, signature=""):
        services.sign_certificate(certificate_id=pending.pk)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert page.count("data-printable=") == 3
    assert len(after) == len(before)
