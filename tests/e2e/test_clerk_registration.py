"""In headless Chromium: a clerk logs in, registers an entity and finds it by USCC."""

import pytest

from licensing.models import MarketEntity
from tests.factories import PASSWORD, RegistrationFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_clerk_registers_and_finds_an_entity(page, live_server, xuhui_clerk):
    data = RegistrationFactory(name="上海浦江小笼餐饮管理有限公司")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("clerk_xh")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
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

    page.get_by_text("已登记上海浦江小笼餐饮管理有限公司并核发营业执照").wait_for()
    assert page.get_by_text("第1版 · 设立登记").is_visible()

    page.get_by_role("link", name="主体查询").first.click()
    page.get_by_label("统一社会信用代码、名称或许可证编号").fill(data["uscc"].lower())
    page.get_by_role("button", name="查询").click()

    result = page.get_by_role("link", name="上海浦江小笼餐饮管理有限公司")
    result.wait_for()
    assert page.get_by_text("共 1 户").is_visible()
    result.click()
    assert page.get_by_role("heading", name="上海浦江小笼餐饮管理有限公司").is_visible()
    assert MarketEntity.objects.get(uscc=data["uscc"]).business_licences.count() == 1
