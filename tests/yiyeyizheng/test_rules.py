"""The rule schema: every rule kind validated, with a Chinese message naming what is wrong."""

import pytest
from django.core.exceptions import ValidationError

from yiyeyizheng.models.rule_schema import validate_rule
from yiyeyizheng.services.remarks import parse_remark

VALID = [
    {"type": "always"},
    {"type": "manual"},
    {"type": "as_needed", "activity": "sells_food"},
    {"type": "area_at_least", "m2": 300},
    {"type": "area_at_least", "m2": 99.5},
    {"type": "venue_feature", "features": ["swimming_pool", "sauna"]},
    {"type": "boiler", "boilers": ["high_pollution", "gas_20t_plus"]},
    {"type": "filing_in_districts", "districts": ["310115", "310120"], "rule": {"type": "always"}},
    {
        "type": "any",
        "rules": [
            {"type": "area_at_least", "m2": 300},
            {"type": "venue_feature", "features": ["sauna"]},
        ],
    },
    {
        "type": "all",
        "rules": [
            {"type": "as_needed", "activity": "sells_food"},
            {"type": "area_at_least", "m2": 50},
        ],
    },
]

INVALID = [
    ([], "须为 JSON 对象"),
    ({"type": "sometimes"}, "未知的规则类型“sometimes”"),
    ({"type": "always", "m2": 3}, "不认识字段“m2”"),
    ({"type": "as_needed"}, "缺少字段“activity”"),
    ({"type": "as_needed", "activity": "sells_rockets"}, "未知的经营活动“sells_rockets”"),
    ({"type": "area_at_least", "m2": -1}, "面积 m2 须为正数"),
    ({"type": "area_at_least", "m2": "lots"}, "面积 m2 须为正数"),
    ({"type": "area_at_least", "m2": True}, "面积 m2 须为正数"),
    ({"type": "venue_feature", "features": []}, "场所特征须为非空列表"),
    ({"type": "venue_feature", "features": ["casino"]}, "未知的场所特征“casino”"),
    ({"type": "boiler", "boilers": ["none"]}, "未知的锅炉类型“none”"),
    (
        {"type": "filing_in_districts", "districts": ["110101"], "rule": {"type": "always"}},
        "未知的区代码“110101”",
    ),
    ({"type": "any", "rules": [{"type": "always"}]}, "至少两条子规则"),
    (
        {"type": "any", "rules": [{"type": "always"}, {"type": "nope"}]},
        "规则.rules[1]：未知的规则类型",
    ),
    (
        {
            "type": "any",
            "rules": [
                {"type": "always"},
                {
                    "type": "filing_in_districts",
                    "districts": ["310115"],
                    "rule": {"type": "always"},
                },
            ],
        },
        "只能用在最外层",
    ),
]


@pytest.mark.parametrize("rule", VALID)
def test_valid_rules_pass(rule):
    assert validate_rule(rule) == rule


@pytest.mark.parametrize(("rule", "message"), INVALID)
def test_invalid_rules_are_refused_in_chinese(rule, message):
    with pytest.raises(ValidationError) as raised:
        validate_rule(rule)
    assert message in " ".join(raised.value.messages)


def test_combined_numbered_remarks_become_any():
    parsed = parse_remark(
        "1.经营面积 300 平方米以上的须办理 2.有游泳池的须办理", "公共场所卫生许可"
    )
    assert parsed.parsed and parsed.kind == "licence"
    assert parsed.rule == {
        "type": "any",
        "rules": [
            {"type": "area_at_least", "m2": 300},
            {"type": "venue_feature", "features": ["swimming_pool"]},
        ],
    }


def test_filing_with_as_needed_and_full_width_punctuation():
    parsed = parse_remark("1.属于行政备案事项 2.按需办理", "第二类医疗器械经营备案")
    assert (parsed.kind, parsed.rule) == (
        "filing",
        {"type": "as_needed", "activity": "sells_medical_devices_class2"},
    )
    districts = parse_remark(
        "1.展览馆、美术馆须办理 2.浦东新区、奉贤区取消许可，改为备案", "公共场所卫生许可"
    )
    assert districts.rule["type"] == "filing_in_districts"
    assert districts.rule["districts"] == ["310115", "310120"]


def test_unknown_wording_is_manual():
    assert parse_remark("按需办理", "某个新事项").rule == {"type": "manual"}
    assert not parse_remark(
        "单台容量 10 吨/小时以上天然气锅炉的须办理", "一般建设项目环境影响评价审批"
    ).parsed
    assert not parse_remark("1.按需办理 2.看情况", "食品经营许可").parsed
