"""In headless Chromium: 帮办代办 from the clerk's draft to the applicant's signature.

"落实“两个免于提交”要求，提供帮办代办服务" (shanghai-yiyeyizheng 2023). The owner of a
convenience store asks the window for help; the clerk scans the licence the owner presents
(照面信息获取) to fill the window form, answers the facts, saves the draft and hands it over;
the owner adds the premises proof, reads what is signed (the window's part named in it) and
signs; the application is submitted and the request closed.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from elicense import services as elicense_services
from elicense.models import Certificate
from tests.e2e.test_yiyeyizheng_flow import ANSWERS, PDF, TABLE, _login
from tests.factories import enterprise_user, register
from yiyeyizheng.models import Application, AssistanceRequest


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_window_drafts_and_the_applicant_signs(
    browser, live_server, xuhui_clerk, signing_key, eager_tasks, tmp_path
):
    call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    shop = register(xuhui_clerk, name="上海帮办便利店有限公司", legal_person_name="周红")
    owner_user = enterprise_user(shop, username="assisted_owner", full_name="周红")
    elicense_services.sign_certificate(
        certificate_id=Certificate.objects.get(holder_uscc=shop.uscc, kind="business_licence").pk
    )
    base = live_server.url

    home = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    owner = home.new_page()
    _login(owner, base, "assisted_owner")
    owner.get_by_role("link", name="一业一证申请", exact=True).click()
    owner.get_by_role("link", name="帮办代办：请窗口工作人员代为填写申请").click()
    expect(owner.get_by_text("落实“两个免于提交”要求，提供帮办代办服务")).to_be_visible()
    owner.get_by_label("经营业态").select_option(label="2. 便利店")
    owner.get_by_label("需要帮办的事项").fill("不熟悉网上填报，请窗口代为填写")
    owner.get_by_label("联系电话").fill("13800000000")
    owner.get_by_role("button", name="申请帮办代办").click()
    expect(owner.get_by_text("已申请帮办代办")).to_be_visible()
    assistance = AssistanceRequest.objects.get()

    window = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    clerk = window.new_page()
    _login(clerk, base, "clerk_xh")
    clerk.get_by_role("link", name="帮办代办", exact=True).click()
    clerk.get_by_role("link", name=shop.name).click()
    # face_fill.js is deferred: until the page's load event the box is a plain input, and the
    # scanner's Enter would submit the form (seen on a loaded machine)
    clerk.wait_for_load_state("load")
    # the owner shows the licence on a phone; the clerk's scanner gun types it and Enter
    code, _ = elicense_services.issue_presentation_code(acting_user=owner_user)
    scan = clerk.get_by_label("照面信息获取：扫描企业出示的电子营业执照")
    scan.fill(code)
    scan.press("Enter")
    expect(clerk.get_by_text(f"已获取：{shop.name}（{shop.uscc}），请核对。")).to_be_visible()
    expect(clerk.get_by_label("统一社会信用代码（核对申请主体）")).to_have_value(shop.uscc)
    expect(clerk.get_by_label("经营场所")).to_have_value(shop.address)
    expect(clerk.get_by_label("联系人")).to_have_value("周红")
    for key, value in ANSWERS.items():
        clerk.locator(f'input[name="{key}"][value="{value}"]').check()
    clerk.get_by_role("button", name="保存代填的申请").click()
    expect(clerk.get_by_text("已保存代填的申请")).to_be_visible()
    expect(clerk.locator("[data-assistance-status=drafting]")).to_be_visible()
    clerk.get_by_role("button", name="交申请人确认签署").click()
    expect(clerk.locator("[data-assistance-status=awaiting_signature]")).to_be_visible()
    window.close()
    application = Application.objects.get()
    assert application.applicant == owner_user and application.assisted_by == xuhui_clerk

    owner.goto(f"{base}/yiyeyizheng/assistance/{assistance.pk}/")
    expect(owner.get_by_text("窗口已为您代为填写申请")).to_be_visible()
    owner.get_by_role("link", name="核对申请表和材料").click()
    expect(owner.get_by_label("联系电话")).to_have_value("13800000000")
    proof = tmp_path / "场所使用证明.pdf"
    proof.write_bytes(PDF)
    owner.get_by_label("材料类型").select_option("premises_proof")
    owner.get_by_label("文件（PDF、JPEG 或 PNG）").set_input_files(str(proof))
    owner.get_by_role("button", name="上传").click()
    expect(owner.get_by_text("材料已上传。")).to_be_visible()
    owner.goto(f"{base}/yiyeyizheng/assistance/{assistance.pk}/")
    owner.get_by_role("link", name="确认并签署").click()
    expect(owner.locator('[data-signed="帮办代办"]')).to_contain_text("代为填写，申请人确认签署")
    expect(owner.locator('[data-signed="食品经营许可"]')).to_have_text("许可")
    owner.get_by_role("button", name="以企业电子签名签署并提交").click()
    expect(owner.locator("[data-status=submitted]")).to_be_visible()
    expect(owner.locator("[data-assisted]")).to_contain_text("代为填写，申请人确认签署")
    home.close()

    application.refresh_from_db()
    assistance.refresh_from_db()
    assert application.status == "submitted" and assistance.status == "signed"
    assert application.signed_document.data["assisted_by"] == (
        xuhui_clerk.full_name or xuhui_clerk.username
    )
