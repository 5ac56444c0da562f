"""The upload form of 附件4 统计表."""

from django import forms

from mingchu.services.imports import HEADER, LOCATION_COLUMN, MAX_BYTES, MAX_ROWS


class ImportForm(forms.Form):
    file = forms.FileField(
        label="示范店建设情况统计表（.xlsx 或 .csv）",
        help_text=(
            f"表头：{'、'.join(HEADER)}，可另加“{LOCATION_COLUMN}”列（美食广场/其他区域）；"
            f"CSV 可为 UTF-8 或 GB18030；最多 {MAX_ROWS} 行，{MAX_BYTES // (1024 * 1024)} MB。"
        ),
        error_messages={"required": "请选择文件。"},
    )
