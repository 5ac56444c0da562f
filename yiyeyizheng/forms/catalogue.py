"""The catalogue rule as form fields (admin): a rule type and the fields that type needs.

Administrators choose 办理规则 from a list — 须办理, 按需办理 (an activity question), 经营面积达到
(a threshold in m²), 场所具有特征 (venue features), 配套锅炉 (boiler kinds) — and may name
the districts where the item is a 备案 instead (规定区改为备案). Rules that combine others
(any/all) are kept in the 高级（JSON）box. Every error is a Chinese sentence from
``validate_rule``; nobody types JSON for the common rules.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from yiyeyizheng.models.questions import ACTIVITIES, BOILERS, DISTRICTS, FEATURES
from yiyeyizheng.models.rule_schema import RULE_TYPES, validate_rule

#: The rule types the fields express; any and all go through 高级（JSON）.
FIELD_TYPES = ["always", "manual", "as_needed", "area_at_least", "venue_feature", "boiler"]
TYPE_CHOICES = [(t, RULE_TYPES[t]) for t in FIELD_TYPES] + [("json", "组合规则（高级）")]
LABELS = {
    "type": "规则类型",
    "activity": "按需办理：经营活动",
    "m2": "面积达到（平方米）",
    "features": "场所特征（任一）",
    "boilers": "锅炉类型（任一）",
    "districts": "以下区改为备案",
    "advanced": "高级（JSON，组合规则用）",
}


class RuleWidget(forms.MultiWidget):
    template_name = "yiyeyizheng/widgets/rule.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.Select(choices=TYPE_CHOICES),
            forms.Select(choices=[("", "—")] + [(k, a.question) for k, a in ACTIVITIES.items()]),
            forms.NumberInput(attrs={"min": "1", "step": "any"}),
            forms.SelectMultiple(choices=list(FEATURES.items()), attrs={"size": 4}),
            forms.SelectMultiple(
                choices=[(k, v) for k, v in BOILERS.items() if k != "none"], attrs={"size": 3}
            ),
            forms.SelectMultiple(choices=list(DISTRICTS.items()), attrs={"size": 4}),
            forms.Textarea(attrs={"rows": 2, "cols": 40, "spellcheck": "false"}),
        ]  # fmt: skip
        super().__init__(widgets, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        """Each part with its own label (a template of ours, rendered by the project's
        engine; the parts by Django's own widget templates)."""
        values = value if isinstance(value, list) else self.decompress(value)
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        parts = []
        for index, (label, widget) in enumerate(zip(LABELS.values(), self.widgets, strict=True)):
            part_id = f"{base_id}_{index}"
            html = widget.render(f"{name}_{index}", values[index], {"id": part_id}, renderer)
            parts.append((label, part_id, html))
        return mark_safe(render_to_string("yiyeyizheng/widgets/rule.html", {"parts": parts}))  # noqa: S308 - our template

    def decompress(self, value):
        rule = value if isinstance(value, dict) else None
        if rule is None and isinstance(value, str) and value.strip():
            try:
                rule = json.loads(value)
            except json.JSONDecodeError:
                return ["json", "", "", [], [], [], value]
        if not isinstance(rule, dict):
            return ["always", "", "", [], [], [], ""]
        districts = []
        if rule.get("type") == "filing_in_districts" and isinstance(rule.get("rule"), dict):
            districts, rule = rule.get("districts", []), rule["rule"]
        kind = rule.get("type")
        if kind not in FIELD_TYPES:
            return ["json", "", "", [], [], [], json.dumps(rule, ensure_ascii=False)]
        return [
            kind, rule.get("activity", ""), rule.get("m2", ""), rule.get("features", []),
            rule.get("boilers", []), districts, "",
        ]  # fmt: skip

    def value_from_datadict(self, data, files, name):
        if name in data:  # a rule posted whole as JSON (scripts, older forms)
            return ["json", "", "", [], [], [], data.get(name)]
        return super().value_from_datadict(data, files, name)


class RuleField(forms.MultiValueField):
    """A catalogue rule from its fields; cleans to the rule dict ``validate_rule`` accepts."""

    widget = RuleWidget

    def __init__(self, **kwargs):
        fields = (
            forms.ChoiceField(choices=[(t, t) for t in FIELD_TYPES] + [("json", "json")]),
            forms.CharField(required=False),
            forms.DecimalField(
                required=False, error_messages={"invalid": "面积须为数字，如 300。"}
            ),
            forms.MultipleChoiceField(choices=list(FEATURES.items()), required=False),
            forms.MultipleChoiceField(choices=list(BOILERS.items()), required=False),
            forms.MultipleChoiceField(choices=list(DISTRICTS.items()), required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("error_messages", {"required": "请选择规则类型。"})
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, values):
        if not values:
            return None
        kind, activity, m2, features, boilers, districts, advanced = values
        if kind == "json":
            try:
                rule = json.loads(advanced or "")
            except json.JSONDecodeError as error:
                raise ValidationError('规则须为合法的 JSON，如 {"type": "always"}。') from error
            return validate_rule(rule)
        if kind == "as_needed" and not activity:
            raise ValidationError("按需办理须选择经营活动。")
        if kind == "area_at_least" and m2 is None:
            raise ValidationError("请填写面积（平方米）。")
        if kind == "venue_feature" and not features:
            raise ValidationError("请至少选择一个场所特征。")
        if kind == "boiler" and not boilers:
            raise ValidationError("请至少选择一种锅炉类型。")
        rule = {"type": kind}
        if kind == "as_needed":
            rule["activity"] = activity
        elif kind == "area_at_least":
            rule["m2"] = int(m2) if m2 == int(m2) else float(m2)
        elif kind == "venue_feature":
            rule["features"] = list(features)
        elif kind == "boiler":
            rule["boilers"] = list(boilers)
        if districts:
            rule = {"type": "filing_in_districts", "districts": list(districts), "rule": rule}
        return validate_rule(rule)
