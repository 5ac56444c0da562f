"""Forms of the monthly district report pages (附件3)."""

from django import forms

from mingchu.models import MonthlyReport
from mingchu.services.reports import EDITABLE


class ReportForm(forms.ModelForm):
    """The 附件3 fields; ``version`` carries the version the officer started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    funds_wan = forms.DecimalField(
        label=MonthlyReport._meta.get_field("funds_wan").verbose_name,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )

    class Meta:
        model = MonthlyReport
        fields = EDITABLE
        widgets = {
            "issues_and_suggestions": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"explanation": "任一数量与示范店登记数据不一致时必填。"}

    def changes(self) -> dict:
        return {field: self.cleaned_data[field] for field in EDITABLE}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "退回须填写原因。"},
    )


class OpenForm(forms.Form):
    """Open (or create) the district's report for another month than the current one."""

    month = forms.DateField(
        label="报表月份",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "请按“年-月”填写，例如 2022-09。", "required": "请选择月份。"},
    )
