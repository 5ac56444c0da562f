"""Pages for people: 长辈模式 remembered per browser, the one form pattern, and technical
words kept inside 技术信息 on the holder page and the PDF."""

import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from elicense import services
from elicense.models import Certificate
from elicense.services.signatures import ensure_entity_key
from portal.views.display import ELDER_COOKIE
from tests.factories import register

pytestmark = pytest.mark.django_db

TECHNICAL_WORDS = ("RFC", "Ed25519", "EdDSA", "JWKS", "well-known", "密钥标识")


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def test_elder_mode_is_remembered_by_this_browser_and_returns_to_the_page(client):
    response = client.post(
        reverse("portal:elder_mode"), {"on": "1", "next": "/mingchu/demo-stores/?page=2"}
    )

    assert response.status_code == 302 and response["Location"] == "/mingchu/demo-stores/?page=2"
    assert response.cookies[ELDER_COOKIE].value == "1"
    assert response.cookies[ELDER_COOKIE]["max-age"] >= 30 * 24 * 3600
    page = client.get("/yiyeyizheng/").content.decode()
    assert '<html lang="zh-CN" class="elder">' in page
    assert 'aria-pressed="true"' in page

    client.post(reverse("portal:elder_mode"), {"on": "0", "next": "/"})

    assert '<html lang="zh-CN">' in client.get("/yiyeyizheng/").content.decode()


def test_elder_mode_never_sends_the_user_to_another_site(client):
    response = client.post(
        reverse("portal:elder_mode"), {"on": "1", "next": "https://example.com/phish"}
    )

    assert response["Location"] == "/"


def test_an_empty_form_lists_every_error_at_once_with_links_and_an_error_title(client, xuhui_clerk):
    client.force_login(xuhui_clerk)
    blank = client.get(reverse("licensing:entity_create")).content.decode()
    assert "标 <span" in blank and not _title(blank).startswith("错误：")

    empty = dict.fromkeys(["uscc", "name", "legal_person_name", "address", "established_on"], "")
    page = client.post(reverse("licensing:entity_create"), empty).content.decode()

    assert _title(page).startswith("错误：")
    summary = page[
        page.index("data-error-summary") : page.index("</div>", page.index("data-error-summary"))
    ]
    for field in ("uscc", "name", "legal_person_name", "address"):
        assert f'href="#id_{field}"' in summary, field


@pytest.fixture
def holder(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海通俗用语餐饮有限公司")
    ensure_entity_key(holder_uscc=entity.uscc)
    pending = Certificate.objects.get(holder_uscc=entity.uscc)
    return services.sign_certificate(certificate_id=pending.pk)


def test_the_holder_page_keeps_technical_words_inside_one_technical_section(client, holder):
    page = client.get(reverse("elicense:holder_page", args=[holder.public_id])).content.decode()

    sections = re.findall(r"<details[^>]*data-technical.*?</details>", page, re.S)
    assert len(sections) == 1 and "技术信息" in sections[0] and "JWKS" in sections[0]
    rest = page.replace(sections[0], "")
    assert [word for word in TECHNICAL_WORDS if word in rest] == []


def test_the_pdf_footer_speaks_plainly_and_puts_the_key_under_technical_information(holder):
    reader = PdfReader(services.render_certificate_pdf(certificate_id=holder.pk))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")

    plain, _, technical = text.partition("技术信息")
    assert "扫描右侧二维码可核对真伪" in plain
    assert [word for word in TECHNICAL_WORDS if word in plain] == []
    assert holder.key_id in technical and "EdDSA" in technical
