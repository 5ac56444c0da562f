"""The access application (电子营业执照应用接入信息表, 济宁附件1, with 附件2's scenario list):
the public form as the source prints it, and the two sign-offs, 业务指导部门 then 系统运维部门."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from elicense.models import RelyingParty
from elicense.services import relying_parties as services
from portal.identifiers import make_uscc
from portal.models import AuditEvent, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: 附件1's commitment, word for word from the seed (jining-elicence-application-2021.txt).
COMMITMENT = (
    "本单位申请接入省级电子营业执照验证平台（或国家市场监督管理总局电子营业执照验证平台），"
    "并承诺遵守《电子营业执照管理办法（试行）》相关规定，此表所填写内容真实有效。"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _scan(content=PDF, name="附件1盖章.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _form(**overrides):
    data = {
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
        "yearly_volume_10k": "200",
        "peak_qps": "50",
        "matter_tree": "（电子商务）-（网络餐饮）-（资质审查）\n"
        "（电子政务）-（市场监管）-（动产抵押）",
        "committed": "on",
        "applicant_signatory": "李四",
        "sealing_unit": "上海某某网络科技有限公司",
        "signed_on": "2026-11-30",
        "stamped_scan": _scan(),
        "tech_service_unit": "上海某某信息技术服务有限公司",
        "tech_service_signatory": "王五",
        "tech_service_signed_on": "2026-11-30",
        "scenarios-TOTAL_FORMS": "3",
        "scenarios-INITIAL_FORMS": "0",
        "scenarios-0-name": "入网商户资质审查",
        "scenarios-0-department": "区市场监管局",
        "scenarios-0-system": "商户管理系统",
        "scenarios-0-functions": ["线下出示执照", "电子签名"],
        "scenarios-0-remark": "商户入驻时核验",
        "scenarios-1-name": "商户后台登录",
        "scenarios-1-department": "平台治理部",
        "scenarios-1-system": "商户管理系统",
        "scenarios-1-functions": ["线上扫码登录"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _apply(client, **overrides):
    return client.post(reverse("elicense:access_apply"), _form(**overrides))


def test_the_form_carries_the_sources_wording(client, reference_data):
    page = client.get(reverse("elicense:access_apply")).content.decode()

    assert COMMITMENT in page
    for label in (
        "年验证量（万次/年）", "申请人（签字）", "申请单位（盖章）", "加盖单位公章扫描件",
        "技术服务单位信息", "技术服务单位", "技术服务方（签字）", "授权事项目录树",
        "请按（电子政务/电子商务）-（行业）-（事项）顺序，填写授权事项目录树。",
        "电子营业执照应用场景清单", "应用事项名称", "实施部门", "办事系统", "应用功能",
        "线上扫码登录", "线下出示执照", "电子签名", "其他", "备注",
    ):  # fmt: skip
        assert label in page, label
    assert "次/年）" not in page.replace("万次/年）", "")


def test_an_organisation_applies_with_the_full_jining_form(client, reference_data):
    response = _apply(client)

    party = RelyingParty.objects.get()
    assert "申请已提交" in response.content.decode()
    assert party.status == "pending" and not party.has_key
    assert party.yearly_volume_10k == Decimal("200")
    assert party.committed and party.applicant_signatory == "李四"
    assert party.stamped_scan_type == "application/pdf"
    assert party.stamped_scan.read() == PDF
    assert party.tech_service_unit == "上海某某信息技术服务有限公司"
    assert party.matter_tree.splitlines()[1] == "（电子政务）-（市场监管）-（动产抵押）"
    assert party.scenarios == [
        {"应用事项名称": "入网商户资质审查", "实施部门": "区市场监管局", "办事系统": "商户管理系统",
         "应用功能": ["线下出示执照", "电子签名"], "备注": "商户入驻时核验"},
        {"应用事项名称": "商户后台登录", "实施部门": "平台治理部", "办事系统": "商户管理系统",
         "应用功能": ["线上扫码登录"], "备注": ""},
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="relying_party.applied")
    assert event.changes["scan"]["type"] == "application/pdf"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": "91310104MA1FL8KQ5"}, "uscc", "应为18位"),
        ({"peak_qps": "0"}, "peak_qps", "1至10000"),
        ({"contact_email": "not-an-email"}, "contact_email", "有效的 Email 地址"),
        ({"committed": None}, "committed", "请阅读并勾选承诺"),
        ({"applicant_signatory": ""}, "applicant_signatory", "请填写“申请人（签字）”"),
        ({"stamped_scan": None}, "stamped_scan", "请上传加盖单位公章的扫描件"),
        ({"stamped_scan": _scan(b"MZ\x90\x00not a pdf", "seal.pdf")}, "stamped_scan",
         "只接受 PDF、JPEG 或 PNG"),
        ({"sealing_unit": "别的公司"}, "sealing_unit", "盖章单位应与机构名称一致"),
        ({"matter_tree": "（市场监管）-（动产抵押）"}, "matter_tree", "第1行应为"),
        ({"matter_tree": "（工商）-（市场监管）-（动产抵押）"}, "matter_tree",
         "“电子政务”或“电子商务”"),
        ({"yearly_volume_10k": "-1"}, "yearly_volume_10k", "大于或等于"),
    ],
)  # fmt: skip
def test_bad_applications_get_chinese_field_errors(
    client, reference_data, overrides, field, message
):
    response = _apply(client, **overrides)

    assert message in str(response.context["form"].errors[field])
    assert not RelyingParty.objects.exists()


def test_a_scenario_row_needs_a_ticked_function(client, reference_data):
    response = _apply(client, **{"scenarios-1-functions": None})

    assert "应用场景第2行须勾选至少一项应用功能" in response.content.decode()
    assert not RelyingParty.objects.exists()


def test_an_oversized_scan_is_refused(client, reference_data, settings):
    settings.ELICENSE_STAMPED_SCAN_MAX_BYTES = 1024

    response = _apply(client, stamped_scan=_scan(PDF + b"0" * 2048))

    assert "扫描件过大" in str(response.context["form"].errors["stamped_scan"])
    assert not RelyingParty.objects.exists()


def test_acceptance_then_guidance_then_operations_and_the_key_is_shown_once(client, reference_data):
    _apply(client)
    party = RelyingParty.objects.get()
    guidance = UserFactory(role=Role.CITY_OFFICER)
    operations = UserFactory(role=Role.ADMINISTRATOR)
    url = reverse("elicense:access_detail", args=[party.pk])

    client.force_login(operations)
    page = client.post(url, {"action": "sign", "opinion": ""}, follow=True).content.decode()
    assert "只有市场监管部门受理人可以签署该意见" in page
    client.force_login(guidance)
    detail = client.get(url).content.decode()
    assert COMMITMENT in detail and "200 万次/年" in detail
    assert "受理信息" in detail and "待受理" in detail
    client.post(url, {"action": "sign", "opinion": "材料齐全，予以受理"})
    party.refresh_from_db()
    assert party.status == "accepted" and party.accepted_by == guidance
    detail = client.get(url).content.decode()
    assert "市场监管部门受理意见：材料齐全，予以受理" in detail and "业务指导部门签字" in detail

    client.force_login(operations)
    page = client.post(url, {"action": "sign", "opinion": ""}, follow=True).content.decode()
    assert "只有业务指导部门可以签署该意见" in page
    client.force_login(guidance)
    client.post(url, {"action": "sign", "opinion": "同意接入"})
    party.refresh_from_db()
    assert party.status == "guided" and party.guidance_signed_by == guidance

    client.force_login(operations)
    page = client.post(url, {"action": "sign", "opinion": ""}, follow=True).content.decode()

    party.refresh_from_db()
    assert party.status == "approved" and party.decided_by == operations
    assert "接口密钥（仅显示一次" in page and party.api_key_prefix in page
    assert list(
        AuditEvent.objects.filter(object_id=str(party.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "relying_party.applied",
        "relying_party.accepted",
        "relying_party.guidance_signed",
        "relying_party.approved",
    ]


def test_one_person_cannot_sign_for_both_departments(reference_data):
    party = _party()
    both = UserFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    guidance = UserFactory(role=Role.CITY_OFFICER)
    services.accept_access_application(acting_user=guidance, party=party)
    with pytest.raises(PermissionDenied):
        services.sign_off_guidance(acting_user=both, party=party)
    services.sign_off_guidance(acting_user=guidance, party=party)
    with pytest.raises(PermissionDenied):
        services.sign_off_operations(acting_user=guidance, party=party)


def test_operations_cannot_sign_before_guidance_and_rejection_needs_a_reason(reference_data):
    party = _party()
    operations = UserFactory(role=Role.ADMINISTRATOR)
    with pytest.raises(ValidationError, match="不能办理此操作"):
        services.sign_off_operations(acting_user=operations, party=party)
    with pytest.raises(ValidationError, match="待受理，不能办理此操作"):
        services.sign_off_guidance(acting_user=UserFactory(role=Role.CITY_OFFICER), party=party)
    with pytest.raises(ValidationError, match="驳回须填写理由"):
        services.reject_relying_party(acting_user=operations, party=party, reason=" ")
    services.reject_relying_party(acting_user=operations, party=party, reason="材料不全")
    party.refresh_from_db()
    assert party.status == "rejected" and party.decision_reason == "材料不全"


def test_an_application_without_the_applicant_block_cannot_be_signed_off(reference_data):
    """Rows carried over from before 附件1 was complete hold no commitment or scan."""
    party = _party()
    RelyingParty.objects.filter(pk=party.pk).update(committed=False)
    with pytest.raises(ValidationError, match="申请人承诺、签字盖章或扫描件不全"):
        services.accept_access_application(
            acting_user=UserFactory(role=Role.CITY_OFFICER), party=party
        )


def test_the_review_pages_are_for_the_two_departments_only(client, reference_data):
    party = _party()
    client.force_login(UserFactory(role=Role.ENTERPRISE, entity_uscc=party.uscc))
    assert client.get(reverse("elicense:access_list")).status_code == 403
    assert client.get(reverse("elicense:access_scan", args=[party.pk])).status_code == 403
    client.force_login(UserFactory(role=Role.CITY_OFFICER))
    assert party.org_name in client.get(reverse("elicense:access_list")).content.decode()
    scan = client.get(reverse("elicense:access_scan", args=[party.pk]))
    assert b"".join(scan.streaming_content) == PDF


def test_administrator_signs_off_in_the_admin_and_reads_the_volume_in_wan(client, reference_data):
    party = _party()
    city = UserFactory(role=Role.CITY_OFFICER)
    services.accept_access_application(acting_user=city, party=party)
    services.sign_off_guidance(acting_user=city, party=party)
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        reverse("admin:elicense_relyingparty_changelist"),
        {"action": "sign_operations", "_selected_action": [party.pk]},
        follow=True,
    )

    party.refresh_from_db()
    assert party.status == "approved" and party.decided_by == admin
    assert party.api_key_prefix in response.content.decode()
    usage = client.get(reverse("admin:elicense_relyingparty_change", args=[party.pk]))
    assert "约定年验证量 200 万次/年（日均 5479 次）" in usage.content.decode()


def _party() -> RelyingParty:
    return services.apply_for_access(
        org_name="甲平台", org_nature="enterprise",
        uscc=make_uscc(division="310104", org_body="PL000001"), address="上海市徐汇区",
        contact_name="张三", contact_position="技术部经理", contact_phone="021-12345678",
        contact_email="it@example.com", system_name="商户管理系统",
        system_endpoint="https://merchant.example.com:443", business_summary="网络餐饮平台",
        needs=["presentation"], verification_range="national", channels=["app"],
        yearly_volume_10k=Decimal("200"), peak_qps=20,
        matter_tree="（电子商务）-（网络餐饮）-（资质审查）", committed=True,
        applicant_signatory="李四", sealing_unit="甲平台", stamped_scan=_scan(),
    )  # fmt: skip


def test_an_application_can_be_refused_at_acceptance_with_a_reason(reference_data):
    party = _party()
    city = UserFactory(role=Role.CITY_OFFICER)
    with pytest.raises(PermissionDenied):
        services.accept_access_application(
            acting_user=UserFactory(role=Role.ADMINISTRATOR), party=party
        )

    services.reject_relying_party(acting_user=city, party=party, reason="扫描件未盖章")

    party.refresh_from_db()
    assert party.status == "rejected" and party.accepted_at is None
    with pytest.raises(ValidationError, match="已驳回，不能办理此操作"):
        services.accept_access_application(acting_user=city, party=party)
