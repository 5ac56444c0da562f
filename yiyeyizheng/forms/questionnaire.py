"""The questionnaire form: one field per question, used by the page and the public API alike."""

import functools
from decimal import Decimal

from django import forms

from yiyeyizheng.models.questions import (
    ACTIVITIES,
    FIXED_QUESTIONS,
    QUESTION_ORDER,
    Question,
    question,
)
from yiyeyizheng.models.validators import validate_area
from yiyeyizheng.queries.decisions import Answers

UNANSWERED = ("", "未回答")
BOOLEAN_VALUES = {"true": True, "false": False}


def _boolean(value):
    return BOOLEAN_VALUES[value]


def answer_field(q: Question, widgets: bool) -> forms.Field:
    common = {"label": q.label, "required": False, "help_text": q.help_text}
    if q.type == "decimal":
        return forms.DecimalField(
            max_value=Decimal("10000000"),
            validators=[validate_area],
            max_digits=12,
            decimal_places=2,
            error_messages={
                "invalid": "请输入数字（平方米）。",
                "max_value": "经营面积过大。",
                "max_digits": "经营面积过大。",
                "max_decimal_places": "经营面积最多保留两位小数。",
            },
            widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
            **common,
        )
    invalid = {"invalid_choice": "“%(value)s”不是可选的值。"}
    if q.type == "bool":
        return forms.TypedChoiceField(
            choices=[UNANSWERED, ("true", "是"), ("false", "否")],
            coerce=_boolean,
            empty_value=None,
            widget=forms.RadioSelect if widgets else forms.Select,
            error_messages={"invalid_choice": "“%(value)s”不是可选的值：须为 true 或 false。"},
            **common,
        )
    return forms.ChoiceField(choices=[UNANSWERED, *q.choices], error_messages=invalid, **common)


def all_questions() -> list[Question]:
    return [FIXED_QUESTIONS[key] for key in QUESTION_ORDER] + [question(k) for k in ACTIVITIES]


@functools.cache
def _shared_api_fields() -> dict[str, forms.Field]:
    """Every question's field without widgets, built once per process (ADR 0024): building
    32 choice fields was two thirds of a requirements lookup. Only the API uses these, and
    it never changes a field; forms with widgets (the pages) build their own."""
    return {q.key: answer_field(q, False) for q in all_questions()}


class AnswersForm(forms.Form):
    """The answers to the given questions (all questions when ``questions`` is None).

    ``given_only`` (without widgets): only the questions the data answers get a field, so a
    lookup that answers two of 32 questions cleans two fields (the API, issue 15); the others
    stay unanswered, as an empty field would."""

    def __init__(
        self,
        *args,
        questions: list[Question] | None = None,
        widgets=True,
        given_only=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if questions is None and not widgets:
            shared = _shared_api_fields()
            if given_only:
                self.fields = {key: field for key, field in shared.items() if key in self.data}
            else:
                self.fields = dict(shared)
            return
        if questions is None:
            questions = all_questions()
        for q in questions:
            self.fields[q.key] = answer_field(q, widgets)

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            area_m2=data.get("area_m2"),
            district=data.get("district") or None,
            has_pool=data.get("has_pool"),
            has_sauna=data.get("has_sauna"),
            venue=data.get("venue") or None,
            boiler=data.get("boiler") or None,
            activities={key: data[key] for key in ACTIVITIES if data.get(key) is not None},
        )

    def stored(self) -> dict[str, str]:
        """The answers given, as the strings a questionnaire link carries (for storing)."""
        stored = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            if isinstance(value, bool):
                stored[name] = "true" if value else "false"
            elif isinstance(value, Decimal):
                stored[name] = format(value.normalize(), "f")
            else:
                stored[name] = value
        return stored

    def answered(self) -> list[tuple[str, str]]:
        """(question, answer) pairs for the answers given, in question order."""
        pairs = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.DecimalField):
                shown = f"{format(value.normalize(), 'f')} 平方米"
            else:
                shown = dict(field.choices).get(self.data.get(name), value)
            pairs.append((field.label, shown))
        return pairs
