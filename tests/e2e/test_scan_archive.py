"""In headless Chromium at phone width: the window clerk scans an applicant's presentation
code, downloads the licence, and files it with the applicant's 一业一证 case (执照存档)."""

import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from elicense import services
from elicense.models import Certificate
from tests.e2e.axe import SERIOUS
from tests.factories import PASSWORD, enterprise_user, register
from yiyeyizheng.models import LicenceFiling
from yiyeyizheng.services.applications import save_draft, start_application, submit_application
from yiyeyizheng.services.attachments import add_attachment

TABLE = Path(settings.BASE_DIR) / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"
ANSWERS = {
    "sells_food": "true",
    "sells_tobacco": "true",
    "sells_drugs": "false",
    "sells_medical_devices_class2": "false",
}
PDF = b"%PDF-1.4\n% e2e\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _serious(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands (a POST's answer)."""
    return [
        f"{v['id']} {[n['target'] for n in v['nodes'][:3]]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in SERIOUS
    ]


def _submitted_application(owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiyeyizheng.models import CatalogueVersion

    store = CatalogueVersion.current().formats.get(seq=2)
    application = start_application(acting_user=owner, business_format=store, answers=ANSWERS)
    save_draft(
        acting_user=owner, application=application, form_data={"contact_phone": "13800000000"}
    )
    add_attachment(
        acting_user=owner,
        application=application,
        purpose="premises_proof",
        upload=SimpleUploadedFile("场所证明.pdf", PDF, content_type="application/pdf"),
    )
    application.refresh_from_db()
    return submit_application(acting_user=owner, application=application)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_clerk_scans_downloads_and_files_the_licence_with_the_case(
    browser, live_server, xuhui_clerk, signing_key, eager_tasks
):
    call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    shop = register(xuhui_clerk, name="上海存档便利店有限公司", legal_person_name="赵敏")
    certificate = Certificate.objects.get(holder_uscc=shop.uscc)
    services.sign_certificate(certificate_id=certificate.pk)
    owner = enterprise_user(shop, username="archive_owner", full_name="赵敏")
    application = _submitted_application(owner)
    code, _ = services.issue_presentation_code(acting_user=owner)
    base = live_server.url

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("clerk_xh")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/elicense/scan/")
    expect(page.locator("input[name=token]")).to_be_focused()
    page.keyboard.type(code, delay=5)  # a scanner gun types and ends with Enter
    page.keyboard.press("Enter")

    expect(page.locator("[data-result]")).to_have_attribute("data-result", "valid")
    archive = page.locator("[data-scan-archive]")
    expect(archive.get_by_text(application.number)).to_be_visible()
    assert _serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 下载执照PDF: the first request has it rendered (in-process here), the next one serves it
    pdf_url = archive.get_by_role("link", name="下载执照PDF").get_attribute("href")
    page.request.get(f"{base}{pdf_url}")
    answer = page.request.get(f"{base}{pdf_url}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"

    archive.get_by_role("button", name=f"存档到此办件：一业一证申请{application.number}").click()
    page.wait_for_url(f"{base}/yiyeyizheng/applications/{application.number}/")
    expect(
        page.get_by_text(f"已将{certificate.number}存档到申请{application.number}")
    ).to_be_visible()
    filed = page.locator(f'[data-filed-licence="{certificate.number}"]')
    expect(filed).to_contain_text("证照有效")
    expect(filed).to_contain_text(str(LicenceFiling.objects.get().check_id))

    link = filed.get_by_role("link", name=f"营业执照 {certificate.number}（PDF）")
    body = page.request.get(f"{base}{link.get_attribute('href')}").body()
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "上海存档便利店有限公司" in text and certificate.number in text
    # nothing on the page is wider than the phone, and axe finds nothing serious
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _serious(page) == []
    phone.close()
