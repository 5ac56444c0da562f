"""实施方案 二（一）: "以从事网络餐饮服务的入网餐饮服务经营者为重点". Selection records whether
the operator sells on a delivery platform, and which; the store list and the 附件4 export
show it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from mingchu.models import DemoStore
from mingchu.services import register_demo_store
from portal.models import AuditEvent, District, Role
from tests.double_submit import form_token
from tests.factories import UserFactory, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


def _post(client, licence, **fields):
    url = reverse("mingchu:store_list")
    data = {
        "food_licence_number": licence.number, "location_type": "food_court",
        "expected_completion": "2022-09", "form_token": form_token(client, url), **fields,
    }  # fmt: skip
    return client.post(url, data, follow=True)


def test_the_form_asks_with_the_plans_wording_and_records_the_platforms(
    client, officer, xuhui_clerk, quotas
):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海外卖美食广场有限公司"))
    client.force_login(officer)
    form_page = client.get(reverse("mingchu:store_list")).content.decode()
    assert "以从事网络餐饮服务的入网餐饮服务经营者为重点" in form_page
    assert "是否从事网络餐饮服务（入网经营）" in form_page

    page = _post(
        client, licence, on_delivery_platform="yes", delivery_platforms=["meituan", "eleme"]
    ).content.decode()

    store = DemoStore.objects.get()
    assert store.on_delivery_platform is True
    assert store.delivery_platforms == ["meituan", "eleme"]
    row = page[page.index(f'data-store="{licence.number}"') :].split("</tr>")[0]
    assert "入网：美团外卖、饿了么" in row
    event = AuditEvent.objects.get(action="demo_store.registered")
    assert event.changes["delivery_platforms"] == ["meituan", "eleme"]

    sheet = load_workbook(io.BytesIO(client.get(reverse("mingchu:store_export")).content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[2][7] == "网络餐饮服务（入驻平台）"
    assert rows[3][3] == licence.number and rows[3][7] == "入网：美团外卖、饿了么"


def test_an_operator_on_a_platform_must_name_it_and_nothing_is_written_otherwise(
    client, officer, xuhui_clerk, quotas
):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海未选平台餐饮有限公司"))
    client.force_login(officer)

    page = _post(client, licence, on_delivery_platform="yes").content.decode()
    assert "入网经营者请选择所入驻的网络餐饮平台。" in page
    missing = _post(client, licence).content.decode()
    assert "请选择是否从事网络餐饮服务。" in missing
    assert not DemoStore.objects.exists()

    with pytest.raises(ValidationError) as caught:
        register_demo_store(
            acting_user=officer, food_licence_number=licence.number, location_type="other",
            expected_completion=licence.valid_from, on_delivery_platform=False,
            delivery_platforms=["meituan"],
        )  # fmt: skip
    assert "未入网的经营者不应选择平台" in str(caught.value)

    _post(client, licence, on_delivery_platform="no")
    store = DemoStore.objects.get()
    assert (store.on_delivery_platform, store.delivery_label()) == (False, "未入网")
