"""The access application form (电子营业执照应用接入信息表, 济宁附件1 and 附件2)."""

from django import forms
from django.core.exceptions import ValidationError

from elicense.models import Matter, RelyingParty
from elicense.models.relying_parties import Channel, Need
from portal.identifiers import validate_uscc

SCENARIO_FIELDS = ("事项名称", "实施部门", "办事系统", "应用功能")


class AccessApplicationForm(forms.ModelForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=40)
    needs = forms.MultipleChoiceField(
        label="应用需求", choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label="电子营业执照应用方式", choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    matters = forms.ModelMultipleChoiceField(
        label="授权事项目录树",
        queryset=Matter.objects.filter(parent__isnull=False, children__isnull=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="按（电子政务/电子商务）-（行业）-（事项）选择。",
    )
    scenarios = forms.CharField(
        label="应用场景清单（附件2）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：事项名称|实施部门|办事系统|应用功能（线上扫码登录、线下出示执照、电子签名、其他）",
    )

    class Meta:
        model = RelyingParty
        fields = [
            "org_name", "org_nature", "uscc", "address", "contact_name", "contact_position",
            "contact_phone", "contact_email", "system_name", "system_endpoint",
            "business_summary", "needs", "verification_range", "channels", "yearly_volume",
            "peak_qps", "matters", "scenarios",
        ]  # fmt: skip
        widgets = {"business_summary": forms.Textarea(attrs={"rows": 2})}

    def clean_uscc(self):
        return validate_uscc(self.cleaned_data["uscc"])

    def clean_peak_qps(self):
        peak = self.cleaned_data["peak_qps"]
        if not 1 <= peak <= 10_000:
            raise ValidationError("验证峰值应在1至10000次/秒之间。")
        return peak

    def clean_scenarios(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["scenarios"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != len(SCENARIO_FIELDS) or not all(parts):
                raise ValidationError(
                    f"第{number}行应为4项，用“|”分隔：事项名称|实施部门|办事系统|应用功能。"
                )
            rows.append(dict(zip(SCENARIO_FIELDS, parts, strict=True)))
        return rows
