from django import forms


class ScanForm(forms.Form):
    token = forms.CharField(
        label="扫描或粘贴出示码、亮照二维码或打印件二维码",
        max_length=8192,
        error_messages={"required": "请扫描二维码或粘贴内容。"},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
