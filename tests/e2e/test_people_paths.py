"""In headless Chromium, two of issue 16's paths: a clerk issues a licence and prints it;
the administrator edits a threshold rule without typing JSON and publishes after a
confirmation."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from elicense.models import Certificate
from portal.models import Role
from tests.factories import PASSWORD, RegistrationFactory, UserFactory
from yiyeyizheng import services as catalogue_services
from yiyeyizheng.models import CatalogueVersion, FormatItem

TABLE = Path(settings.BASE_DIR) / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_clerk_issues_a_licence_and_prints_it(
    page, live_server, xuhui_clerk, signing_key, eager_tasks
):
    data = RegistrationFactory(name="上海打印示范餐饮管理有限公司")
    _sign_in(page, live_server, "clerk_xh")
    page.get_by_role("link", name="设立登记").first.click()
    page.get_by_label("统一社会信用代码").fill(data["uscc"])
    page.get_by_label("类型").select_option(label="有限责任公司（自然人投资或控股）")
    page.get_by_label("名称").fill(data["name"])
    page.get_by_label("法定代表人（负责人）").fill("王伟")
    page.get_by_label("注册资本（万元）").fill("100")
    page.get_by_label("住所（经营场所）").fill("上海市徐汇区漕溪北路88号")
    page.get_by_label("经营范围").fill("餐饮服务；食品销售。")
    page.get_by_label("成立日期").fill("2021-06-01")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已登记上海打印示范餐饮管理有限公司并核发营业执照").wait_for()

    page.reload()  # signed after the commit (a task): the print links follow the signature
    printable = page.locator("[data-printable]")
    expect(printable).to_have_count(1)
    certificate = Certificate.objects.get(holder_uscc=data["uscc"])
    assert certificate.signature

    printable.get_by_role("link", name="打印").click()
    expect(page.get_by_text("上海打印示范餐饮管理有限公司").first).to_be_visible()
    assert page.url.endswith(f"/elicense/certificates/{certificate.public_id}/print/")
    page.go_back()
    pdf_link = page.locator("[data-printable]").get_by_role("link", name="下载 PDF")
    pdf = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    if pdf.status == 202:  # rendering: the page asks again, as the pending page does
        pdf = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_admin_edits_a_threshold_rule_without_json_and_publishes_after_confirming(
    page, live_server, reference_data
):
    admin = UserFactory(
        role=Role.ADMINISTRATOR, username="catalogue_admin", is_staff=True, is_superuser=True
    )
    call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    published = CatalogueVersion.current()
    draft = catalogue_services.copy_version(
        acting_user=admin, version=published, edition="第三版（草稿）"
    )
    supermarket = draft.formats.get(seq=1)
    _sign_in(page, live_server, "catalogue_admin")

    page.goto(f"{live_server.url}/admin/yiyeyizheng/businessformat/{supermarket.pk}/change/")
    row = page.locator("tr.form-row").filter(has=page.locator('input[value="公共场所卫生许可"]'))
    row.get_by_label("规则类型").select_option("area_at_least")
    row.get_by_label("面积达到（平方米）").fill("")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("请填写面积（平方米）")).to_be_visible()
    row = page.locator("tr.form-row").filter(has=page.locator('input[value="公共场所卫生许可"]'))
    row.get_by_label("面积达到（平方米）").fill("500")
    page.get_by_role("button", name="保存", exact=True).click()
    item = FormatItem.objects.get(format=supermarket, permit__name="公共场所卫生许可")
    assert item.rule == {"type": "area_at_least", "m2": 500}

    page.goto(f"{live_server.url}/admin/yiyeyizheng/catalogueversion/{draft.pk}/change/")
    page.get_by_role("link", name="发布…").click()
    expect(page.locator("[data-confirm-undo]")).to_contain_text("不能撤回")
    expect(page.locator("[data-compare-table]")).to_contain_text(
        "经营面积达到 500 平方米以上须办理"
    )
    assert CatalogueVersion.current() == published  # nothing published before confirming
    page.get_by_role("button", name="确认发布 第三版（草稿）").click()
    expect(page.get_by_text("已发布第三版（草稿）")).to_be_visible()
    assert CatalogueVersion.current() == draft
