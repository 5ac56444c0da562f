"""Access applications: the public form, and the administrator's review in the admin."""

import pytest
from django.urls import reverse

from elicense.models import Matter, RelyingParty
from portal.identifiers import make_uscc
from portal.models import AuditEvent, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    return {
        "org_name": "上海某某网络科技有限公司",
        "org_nature": "enterprise",
        "uscc": make_uscc(division="310104", org_body="PL000002"),
        "address": "上海市徐汇区虹桥路1号",
        "contact_name": "张三",
        "contact_position": "平台治理部 经理",
        "contact_phone": "021-12345678",
        "contact_email": "it@example.com",
        "system_name": "外卖商户管理系统",
        "system_endpoint": "https://merchant.example.com:443",
        "business_summary": "网络餐饮服务第三方平台",
        "needs": ["presentation", "login"],
        "verification_range": "national",
        "channels": ["app", "wechat_mini"],
        "yearly_volume": "2000000",
        "peak_qps": "50",
        "matters": [Matter.objects.get(path="电子商务/网络餐饮/资质审查").pk],
        "scenarios": "入网商户资质审查|区市场监管局|商户管理系统|线下出示执照",
        **overrides,
    }


def test_an_organisation_applies_with_the_jining_form(client, reference_data):
    response = client.post(reverse("elicense:access_apply"), _form())

    party = RelyingParty.objects.get()
    assert "申请已提交" in response.content.decode()
    assert party.status == "pending" and not party.has_key
    assert party.needs == ["presentation", "login"]
    assert party.scenarios == [
        {"事项名称": "入网商户资质审查", "实施部门": "区市场监管局", "办事系统": "商户管理系统",
         "应用功能": "线下出示执照"}
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="relying_party.applied").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": "91310104MA1FL8KQ5"}, "uscc", "应为18位"),
        ({"peak_qps": "0"}, "peak_qps", "1至10000"),
        ({"scenarios": "只有一项"}, "scenarios", "第1行应为4项"),
        ({"contact_email": "not-an-email"}, "contact_email", "有效的 Email 地址"),
    ],
)
def test_bad_applications_get_chinese_field_errors(
    client, reference_data, overrides, field, message
):
    response = client.post(reverse("elicense:access_apply"), _form(**overrides))

    assert message in str(response.context["form"].errors[field])
    assert not RelyingParty.objects.exists()


def test_administrator_approves_in_the_admin_and_sees_the_key_once(client, reference_data):
    client.post(reverse("elicense:access_apply"), _form())
    party = RelyingParty.objects.get()
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:elicense_relyingparty_changelist"),
        {"action": "approve", "_selected_action": [party.pk]},
        follow=True,
    )

    page = response.content.decode()
    party.refresh_from_db()
    assert party.status == "approved" and party.decided_by == admin
    assert "接口密钥（仅显示一次" in page and party.api_key_prefix in page
    usage = client.get(reverse("admin:elicense_relyingparty_change", args=[party.pk]))
    assert "约定年验证量 2000000 次" in usage.content.decode()
