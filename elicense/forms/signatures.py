"""Forms of the electronic-signature pages: sign a document, verify a signature."""

import json

from django import forms

from elicense.models import Matter
from elicense.services.signatures import MAX_DOCUMENT_BYTES
from portal.identifiers import normalise_identifier


def _parse_json(text: str):
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError("数据过大（上限64KB）。")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(
            f"不是有效的JSON：第{error.lineno}行第{error.colno}列，{error.msg}。"
        ) from error


class SignForm(forms.Form):
    title = forms.CharField(label="文件名称", max_length=100)
    matter = forms.ModelChoiceField(
        label="事项", queryset=Matter.objects.all(), to_field_name="path", required=False,
        help_text="经办人须选择其授权范围内的事项。",
    )  # fmt: skip
    data = forms.CharField(
        label="签名数据（JSON）", widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
    )

    def clean_data(self):
        return _parse_json(self.cleaned_data["data"])


class VerifyForm(forms.Form):
    uscc = forms.CharField(label="签名主体统一社会信用代码", max_length=40)
    data = forms.CharField(label="签名数据（JSON）", widget=forms.Textarea(attrs={"rows": 6}))
    signature = forms.CharField(label="签名（JWS）", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_uscc(self):
        return normalise_identifier(self.cleaned_data["uscc"])

    def clean_data(self):
        return _parse_json(self.cleaned_data["data"])
