"""Forms of the acceptance pages (评估总结). Every irreversible step asks for a confirmation."""

from django import forms

from mingchu.models import CityResult


def _confirm(label: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=label, error_messages={"required": "请勾选确认：该步骤提交后不可撤回。"}
    )


class SelfAssessmentForm(forms.Form):
    self_assessment = forms.CharField(
        label="区级验收评估情况",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="辖区示范店建设完成情况、视频接入平台情况、验收方式及发现的问题。",
        error_messages={"required": "请填写区级验收评估情况。"},
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="附件（PDF、JPEG 或 PNG，不超过 5 MB）",
        error_messages={"required": "请选择要上传的文件。"},
    )


class SubmitForm(forms.Form):
    confirm = _confirm("我已核对区级验收评估情况和附件，确认提交（提交后不可修改）")


class StartCityForm(forms.Form):
    confirm = _confirm("各区均已提交区级验收评估，确认开始市级验收评估（区级评估随即锁定）")


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label="市级验收评估结果",
        choices=CityResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择市级验收评估结果。"},
    )
    remarks = forms.CharField(
        label="市级验收评估意见",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="基本合格或不合格时必填。",
    )
    confirm = _confirm("确认记录该区的市级验收评估结果（记录后不可修改）")


class ConcludeForm(forms.Form):
    text = forms.CharField(
        label="总结报告正文",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "请填写总结报告正文。"},
    )
    confirm = _confirm("确认形成总结报告（形成后本年度验收评估结束，不可修改）")
