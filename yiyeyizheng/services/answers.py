"""Questionnaire answers as the query string carries them, checked and turned into ``Answers``.

One validation for every entry point: the questionnaire page, the public API and the
application services all go through ``AnswersForm``. Answers are stored on the application as
strings (``{"area_m2": "300", "sells_food": "true"}``) so the JSON reads the same as the
questionnaire link it came from.
"""

from django.core.exceptions import ValidationError

from yiyeyizheng.forms.questionnaire import AnswersForm
from yiyeyizheng.queries.decisions import Answers, questions_for


def clean_answers(business_format, data) -> dict[str, str]:
    """The answers to ``business_format``'s questions found in ``data`` (a QueryDict or dict),
    validated; unknown keys are ignored, bad values raise one Chinese ValidationError naming
    each question."""
    form = AnswersForm(data, questions=questions_for(business_format), widgets=False)
    if not form.is_valid():
        raise ValidationError(
            [
                f"“{form.fields[name].label}”：{message}"
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    return form.stored()


def to_answers(cleaned: dict[str, str]) -> Answers:
    """The rules engine's ``Answers`` from stored answers (checked again on the way)."""
    form = AnswersForm(cleaned, widgets=False)
    if not form.is_valid():
        raise ValidationError(f"保存的问卷答案无效：{form.errors.as_text()}")
    return form.answers()
