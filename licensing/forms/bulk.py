"""The upload form of a bulk check."""

from django import forms

from licensing.services.bulk import HEADER, MAX_ROWS


class UploadForm(forms.Form):
    file = forms.FileField(
        label="商户清单（.csv 或 .xlsx）",
        help_text=f"表头：{'、'.join(HEADER)}；CSV 可为 UTF-8 或 GB18030；最多 {MAX_ROWS} 行。",
        error_messages={"required": "请选择文件。"},
    )
