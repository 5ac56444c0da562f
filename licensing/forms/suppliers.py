"""The form of a canteen's supplier list."""

from django import forms


class SupplierForm(forms.Form):
    identifier = forms.CharField(
        label="统一社会信用代码或食品经营许可证编号",
        max_length=40,
        error_messages={"required": "请输入统一社会信用代码或许可证编号。"},
    )
    note = forms.CharField(label="备注", max_length=100, required=False)
