"""In headless Chromium: a convenience store applies for its composite licence (一业一证),
the window accepts, two departments approve, and the licence shows and verifies by QR.

Starts at the questionnaire for 便利店 selling food and tobacco (two items, two district
departments); a phone number that is not one is refused on the form, and the owner signs after
reading the summary of exactly what is signed.
"""

import io
import re
from pathlib import Path

import pytest
import zxingcpp
from django.conf import settings
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from elicense import services
from elicense.models import Certificate, CertificateKind
from elicense.verification import verify_token
from portal.models import Department, District, Role
from tests.factories import PASSWORD, UserFactory, enterprise_user, register
from yiyeyizheng.models import Application

TABLE = Path(settings.BASE_DIR) / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"
ANSWERS = {
    "sells_food": "true",
    "sells_tobacco": "true",
    "sells_drugs": "false",
    "sells_medical_devices_class2": "false",
}
PDF = b"%PDF-1.4\n% e2e\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _reviewer(code, username):
    return UserFactory(
        username=username,
        role=Role.DEPARTMENT_REVIEWER,
        department=Department.objects.get(code=code),
        district=District.objects.get(code="310104"),
    )


def _approve_own_item(browser, base, username, permit):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    _login(page, base, username)
    page.get_by_role("link", name="一业一证审批").click()
    page.wait_for_url(f"{base}/yiyeyizheng/reviews/")
    page.get_by_role("link", name=permit).click()
    page.get_by_label("准予").check()
    page.get_by_role("button", name="提交审查意见").click()
    expect(page.get_by_text(f"已办理：{permit}。")).to_be_visible()
    context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_apply_accept_approve_and_verify_the_composite_licence(
    browser, live_server, xuhui_clerk, signing_key, eager_tasks, tmp_path
):
    call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    shop = register(xuhui_clerk, name="上海一证通便利店有限公司", legal_person_name="陈静")
    enterprise_user(shop, username="yyz_owner", full_name="陈静")
    _reviewer("samr_district", "yyz_samr")
    _reviewer("tobacco_district", "yyz_tobacco")
    base = live_server.url

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    owner = desk.new_page()
    _login(owner, base, "yyz_owner")
    owner.goto(f"{base}/yiyeyizheng/formats/2/")
    for key, value in ANSWERS.items():
        owner.locator(f'input[name="{key}"][value="{value}"]').check()
    owner.get_by_role("button", name="查看须办理事项").click()
    expect(owner.locator("[data-decision=required]")).to_have_count(2)
    owner.get_by_role("link", name="按此结果在线申请（一表申请）").click()
    expect(owner.locator("[data-decision=required]")).to_have_count(2)
    owner.get_by_role("button", name="创建申请").click()
    expect(owner.locator("[data-fact=uscc]")).to_have_text(shop.uscc)
    expect(owner.get_by_label("经营场所")).to_have_value(shop.address)
    owner.get_by_label("联系电话").fill("13800000000")
    owner.get_by_role("button", name="保存草稿").click()
    expect(owner.get_by_text("申请表已保存。")).to_be_visible()
    proof = tmp_path / "场所使用证明.pdf"
    proof.write_bytes(PDF)
    owner.get_by_label("材料类型").select_option("premises_proof")
    owner.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(str(proof))
    owner.get_by_role("button", name="上传").click()
    expect(owner.get_by_text("材料已上传。")).to_be_visible()
    owner.get_by_label("联系电话").fill("abc")
    owner.get_by_role("button", name="保存草稿").click()
    # the error summary names the field and links to it
    expect(owner.get_by_role("link", name=re.compile("联系电话格式不正确"))).to_be_visible()
    owner.get_by_label("联系电话").fill("13800000000")
    owner.get_by_role("button", name="保存草稿").click()
    owner.get_by_role("link", name="返回申请").click()
    owner.get_by_role("link", name="核对并签署提交").click()
    expect(owner.locator('[data-signed="联系电话"]')).to_have_text("13800000000")
    expect(owner.locator('[data-signed="食品经营许可"]')).to_have_text("许可")
    expect(owner.locator('[data-signed="烟草专卖零售许可"]')).to_have_text("许可")
    shown_digest = owner.locator("[data-sign-digest]").text_content()
    owner.set_viewport_size({"width": 390, "height": 844})  # the summary reads on a phone
    owner.get_by_text("技术信息").click()
    assert owner.evaluate("document.documentElement.scrollWidth") <= 390
    canonical = owner.locator("[data-sign-canonical]")
    assert canonical.evaluate("box => box.scrollWidth <= box.clientWidth")  # wrapped, not scrolled
    owner.set_viewport_size({"width": 1280, "height": 900})
    owner.get_by_role("button", name="以企业电子签名签署并提交").click()
    code = owner.locator("[data-verification-code]").text_content()
    application = Application.objects.get()
    assert application.status == "submitted" and application.verification_code == code
    assert application.signed_document.digest == shown_digest

    window = browser.new_context(locale="zh-CN")
    clerk = window.new_page()
    _login(clerk, base, "clerk_xh")
    clerk.get_by_role("link", name="一业一证受理").click()
    clerk.get_by_role("link", name=application.number).click()
    clerk.get_by_role("button", name="受理（一口受理，同步推送各审批部门）").click()
    expect(clerk.locator("[data-status=accepted]")).to_be_visible()
    window.close()

    _approve_own_item(browser, base, "yyz_samr", "食品经营许可")
    _approve_own_item(browser, base, "yyz_tobacco", "烟草专卖零售许可")

    owner.reload()
    expect(owner.locator("[data-status=licensed]")).to_be_visible()
    certificate = Certificate.objects.get(kind=CertificateKind.COMPOSITE_LICENCE)
    services.sign_certificate(certificate_id=certificate.pk)  # idempotent: signed on commit
    owner.goto(f"{base}/v/{certificate.public_id}/")
    items = owner.locator("[data-composite-item]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("食品经营许可（许可）· 区市场监督管理局 · 准予许可")
    qr_png = owner.locator(".qr-box svg").screenshot()
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png)))]
    assert decoded == [f"{base}/v/{certificate.public_id}/"]  # where the portal is served
    outcome = verify_token(decoded[0], channel="public_page")
    assert outcome.ok and outcome.certificate == certificate
    certificate.refresh_from_db()
    assert verify_token(certificate.signature, channel="public_page").ok

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{base}/yiyeyizheng/progress/?number={application.number}&code={code}")
    expect(public.locator('[data-step="部门审查：准予"]')).to_have_count(2)
    expect(public.locator('[data-step="核发行业综合许可证"]')).to_have_count(1)
    desk.close()
