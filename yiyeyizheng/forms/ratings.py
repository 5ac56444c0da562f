"""The 好差评 form."""

from django import forms

from yiyeyizheng.models import RatingGrade


class RatingForm(forms.Form):
    grade = forms.ChoiceField(
        label="您对本次办理服务的评价", choices=RatingGrade.choices, widget=forms.RadioSelect,
        error_messages={"required": "请选择评价等级。"},
    )  # fmt: skip
    reason = forms.CharField(
        label="评价理由", max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="评价为“不满意”或“非常不满意”时必填。",
    )  # fmt: skip
