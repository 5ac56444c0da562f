"""The scanner page's form: what a scanner gun types."""

from django import forms

from elicense.models import Matter


class ScanForm(forms.Form):
    token = forms.CharField(
        label="扫描或粘贴出示码、亮照二维码或打印件二维码",
        max_length=8192,
        error_messages={"required": "请扫描二维码或粘贴内容。"},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    matter = forms.ModelChoiceField(
        label="办理事项",
        queryset=Matter.objects.all(),
        to_field_name="path",
        required=False,
        empty_label="（不限）",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="选择所办事项后，经办人出示时须在授权范围内。",
    )
