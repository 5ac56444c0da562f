"""The rule of a catalogue item, as data: its JSON shape and its validation.

A rule is a JSON object with a ``type``::

    {"type": "always"}                                   须办理, no condition
    {"type": "manual"}                                   not set yet: 可选, until an admin sets it
    {"type": "as_needed", "activity": "sells_food"}     按需办理: yes → 须办理, no → 无需办理
    {"type": "area_at_least", "m2": 300}                经营面积 ≥ m2 (以上 includes m2)
    {"type": "venue_feature", "features": ["sauna"]}    any of the features present
    {"type": "boiler", "boilers": ["high_pollution", "gas_20t_plus"]}
    {"type": "filing_in_districts", "districts": ["310115"], "rule": {...}}
                                                         inner rule decides; 备案 in the districts
    {"type": "any", "rules": [...]}  /  {"type": "all", "rules": [...]}

``validate_rule`` raises a ValidationError with a Chinese message naming what is wrong.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from yiyeyizheng.models.questions import ACTIVITIES, BOILERS, DISTRICTS, FEATURES

RULE_TYPES = {
    "always": "须办理",
    "manual": "待管理员设置",
    "as_needed": "按需办理",
    "area_at_least": "经营面积达到规定以上",
    "venue_feature": "场所具有规定特征",
    "boiler": "配套建设规定锅炉",
    "filing_in_districts": "规定区改为备案",
    "any": "满足任一条件",
    "all": "同时满足全部条件",
}

ALWAYS = {"type": "always"}
MANUAL = {"type": "manual"}

_KEYS = {
    "always": set(),
    "manual": set(),
    "as_needed": {"activity"},
    "area_at_least": {"m2"},
    "venue_feature": {"features"},
    "boiler": {"boilers"},
    "filing_in_districts": {"districts", "rule"},
    "any": {"rules"},
    "all": {"rules"},
}


def _fail(path: str, message: str):
    raise ValidationError(f"规则{path}：{message}" if path else f"规则：{message}")


def _names(value, allowed: dict, path: str, what: str) -> None:
    if not isinstance(value, list) or not value:
        _fail(path, f"{what}须为非空列表。")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        _fail(path, f"未知的{what}“{unknown[0]}”，可选：{'、'.join(allowed)}。")


def validate_rule(rule, path: str = "", *, nested_district: bool = False) -> dict:
    """Check a rule's shape and values; return it unchanged, or raise a Chinese ValidationError."""
    if not isinstance(rule, dict):
        _fail(path, '须为 JSON 对象，如 {"type": "always"}。')
    kind = rule.get("type")
    if kind not in RULE_TYPES:
        _fail(path, f"未知的规则类型“{kind}”，可选：{'、'.join(RULE_TYPES)}。")
    extra = set(rule) - _KEYS[kind] - {"type"}
    if extra:
        _fail(path, f"“{kind}”规则不认识字段“{sorted(extra)[0]}”。")
    missing = _KEYS[kind] - set(rule)
    if missing:
        _fail(path, f"“{kind}”规则缺少字段“{sorted(missing)[0]}”。")
    if kind == "as_needed" and rule["activity"] not in ACTIVITIES:
        _fail(path, f"未知的经营活动“{rule['activity']}”。")
    elif kind == "area_at_least":
        try:
            m2 = Decimal(str(rule["m2"]))
        except (InvalidOperation, ValueError):
            m2 = None
        if isinstance(rule["m2"], bool) or m2 is None or not m2.is_finite() or m2 <= 0:
            _fail(path, "面积 m2 须为正数。")
    elif kind == "venue_feature":
        _names(rule["features"], FEATURES, path, "场所特征")
    elif kind == "boiler":
        _names(rule["boilers"], {k: v for k, v in BOILERS.items() if k != "none"}, path, "锅炉类型")
    elif kind == "filing_in_districts":
        if nested_district:
            _fail(path, "“filing_in_districts”只能用在最外层。")
        _names(rule["districts"], DISTRICTS, path, "区代码")
        validate_rule(rule["rule"], f"{path}.rule", nested_district=True)
    elif kind in ("any", "all"):
        if not isinstance(rule["rules"], list) or len(rule["rules"]) < 2:
            _fail(path, f"“{kind}”须包含至少两条子规则。")
        for index, child in enumerate(rule["rules"]):
            validate_rule(child, f"{path}.rules[{index}]", nested_district=True)
    return rule


def describe_rule(rule) -> str:
    """The rule in plain Chinese, for people reading a catalogue (comparisons, the admin)."""
    if not isinstance(rule, dict) or rule.get("type") not in RULE_TYPES:
        return "（无法识别的规则）"
    kind = rule["type"]
    if kind == "as_needed":
        activity = ACTIVITIES.get(rule.get("activity"))
        return f"按需办理：{activity.question if activity else rule.get('activity')}"
    if kind == "area_at_least":
        return f"经营面积达到 {rule.get('m2')} 平方米以上须办理"
    if kind == "venue_feature":
        names = "、".join(FEATURES.get(f, f) for f in rule.get("features", []))
        return f"场所具有以下任一特征须办理：{names}"
    if kind == "boiler":
        names = "、".join(BOILERS.get(b, b) for b in rule.get("boilers", []))
        return f"配套建设以下任一锅炉须办理：{names}"
    if kind == "filing_in_districts":
        names = "、".join(DISTRICTS.get(d, d) for d in rule.get("districts", []))
        return f"{describe_rule(rule.get('rule'))}；在{names}改为备案"
    if kind in ("any", "all"):
        joined = "；".join(describe_rule(child) for child in rule.get("rules", []))
        return f"{RULE_TYPES[kind]}（{joined}）"
    return RULE_TYPES[kind]
