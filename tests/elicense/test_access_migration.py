"""The access form's migration carries existing rows over honestly: 次/年 becomes 万次/年
exactly, ticked matters become the written tree, a scenario's one 应用功能 text becomes its
ticked column (or 其他, with the text kept in 备注)."""

from decimal import Decimal

import pytest

from tests.migrations import migrate_to

BEFORE = [("elicense", "0013_oidc")]
AFTER = [("elicense", "0014_access_form_signoffs")]


@pytest.mark.django_db
def test_existing_applications_are_carried_over(reference_data):
    old = migrate_to(BEFORE)
    party = old.get_model("elicense", "RelyingParty").objects.create(
        org_name="旧平台", org_nature="enterprise", address="上海", contact_name="张",
        contact_position="经理", contact_phone="1", contact_email="a@example.com",
        system_name="旧系统", system_endpoint="—", business_summary="—", needs=["login"],
        verification_range="national", channels=["pc"], yearly_volume=1_234_567, peak_qps=5,
        scenarios=[
            {"事项名称": "商户审查", "实施部门": "区局", "办事系统": "甲",
             "应用功能": "线下出示执照"},
            {"事项名称": "合同签署", "实施部门": "区局", "办事系统": "乙", "应用功能": "打印执照"},
        ],
    )  # fmt: skip
    matters = old.get_model("elicense", "Matter").objects.filter(
        path__in=["电子商务/网络餐饮/资质审查", "电子政务/市场监管/动产抵押"]
    )
    party.matters.set(matters)

    new = migrate_to(AFTER)
    carried = new.get_model("elicense", "RelyingParty").objects.get(pk=party.pk)
    assert carried.yearly_volume_10k == Decimal("123.4567")
    assert carried.matter_tree.splitlines() == [
        "（电子商务）-（网络餐饮）-（资质审查）",
        "（电子政务）-（市场监管）-（动产抵押）",
    ]
    assert carried.scenarios == [
        {"应用事项名称": "商户审查", "实施部门": "区局", "办事系统": "甲",
         "应用功能": ["线下出示执照"], "备注": ""},
        {"应用事项名称": "合同签署", "实施部门": "区局", "办事系统": "乙",
         "应用功能": ["其他"], "备注": "打印执照"},
    ]  # fmt: skip
    assert not carried.committed and not carried.stamped_scan  # nothing invented
