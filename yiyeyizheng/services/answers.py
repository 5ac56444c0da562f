"""Questionnaire answers as the query string carries them, checked and turned into ``Answers``.

Stored on the application as strings (``{"area_m2": "300", "sells_food": "true"}``) so the
JSON reads the same as the questionnaire link it came from.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from yiyeyizheng.questions import ACTIVITIES, FIXED_QUESTIONS, question
from yiyeyizheng.rules import Answers, questions_for

BOOLEANS = {"true": True, "false": False}


def clean_answers(business_format, data) -> dict[str, str]:
    """The answers to ``business_format``'s questions found in ``data`` (a QueryDict or dict),
    validated; unknown keys are ignored, a bad value raises a Chinese ValidationError."""
    cleaned = {}
    for q in questions_for(business_format):
        value = str(data.get(q.key) or "").strip()
        if not value:
            continue
        if q.type == "decimal":
            try:
                number = Decimal(value)
            except InvalidOperation:
                raise ValidationError(f"“{q.label}”须为数字。") from None
            if not number.is_finite() or number < 0 or number > 10_000_000:
                raise ValidationError(f"“{q.label}”不在合理范围内。")
            value = format(number.normalize(), "f")
        elif q.type == "bool":
            if value not in BOOLEANS:
                raise ValidationError(f"“{q.label}”须为 true 或 false。")
        elif value not in dict(q.choices):
            raise ValidationError(f"“{q.label}”的值“{value}”不是可选的值。")
        cleaned[q.key] = value
    return cleaned


def to_answers(cleaned: dict[str, str]) -> Answers:
    """The rules engine's ``Answers`` from stored answers."""
    fixed = {}
    for key in FIXED_QUESTIONS:
        if key not in cleaned:
            continue
        q = question(key)
        if q.type == "decimal":
            fixed[key] = Decimal(cleaned[key])
        elif q.type == "bool":
            fixed[key] = BOOLEANS[cleaned[key]]
        else:
            fixed[key] = cleaned[key]
    activities = {key: BOOLEANS[cleaned[key]] for key in ACTIVITIES if key in cleaned}
    return Answers(**fixed, activities=activities)
