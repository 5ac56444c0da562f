"""In headless Chromium: a platform's staff uploads a merchant list and downloads the result."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import PASSWORD, enterprise_user, issue_food, register


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_upload_progress_and_download(browser, live_server, xuhui_clerk, tmp_path, eager_tasks):
    shop = register(xuhui_clerk, name="上海平台商户餐饮有限公司", address="上海市徐汇区衡山路9号")
    licence = issue_food(xuhui_clerk, shop, premises_address="上海市徐汇区衡山路9号")
    platform = register(xuhui_clerk, name="上海某外卖平台有限公司")
    enterprise_user(platform, username="platform_ops", full_name="平台审核员")
    upload = tmp_path / "商户.csv"
    upload.write_bytes(
        (
            "统一社会信用代码,名称,食品经营许可证编号,经营场所\n"
            f"{shop.uscc},{shop.name},{licence.number},{licence.premises_address}\n"
            f"{shop.uscc},冒名餐饮,{licence.number},{licence.premises_address}\n"
        ).encode("gb18030")
    )
    page = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("platform_ops")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("link", name="批量资质审查").click()

    page.get_by_label("商户清单（.csv 或 .xlsx）").set_input_files(str(upload))
    page.get_by_role("button", name="上传并审查").click()

    expect(page.locator("[data-bulk-bar]")).to_have_text("100%")
    expect(page.locator("[data-bulk-summary]")).to_contain_text("证照相符：1")
    expect(page.locator("[data-bulk-summary]")).to_contain_text("名称不符：1")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载审查结果（.xlsx）").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    verdicts = [row[5].value for row in sheet.iter_rows(min_row=2)]
    assert verdicts == ["证照相符", "名称不符"]
