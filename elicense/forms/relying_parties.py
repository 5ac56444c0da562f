"""The access application form (电子营业执照应用接入信息表, 济宁附件1), its scenario list
(电子营业执照应用场景清单, 附件2), and the two departments' sign-off form."""

from django import forms
from django.core.exceptions import ValidationError

from elicense.models import RelyingParty
from elicense.models.relying_parties import (
    COMMITMENT,
    SCENARIO_FUNCTIONS,
    Channel,
    Need,
    parse_matter_tree,
)
from portal.identifiers import validate_uscc

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessApplicationForm(forms.ModelForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=40)
    needs = forms.MultipleChoiceField(
        label="应用需求", choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label="电子营业执照应用方式", choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    yearly_volume_10k = forms.DecimalField(
        label="年验证量（万次/年）", max_digits=12, decimal_places=4, min_value=0,
        help_text="单位：万次/年，如 200 表示每年 200 万次。",
    )  # fmt: skip
    matter_tree = forms.CharField(
        label="授权事项目录树",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "请按（电子政务/电子商务）-（行业）-（事项）顺序，填写授权事项目录树。"
            "如：（电子政务）-（市场监管）-（动产抵押）。每行一项。"
        ),
    )
    committed = forms.BooleanField(
        label=COMMITMENT, error_messages={"required": "请阅读并勾选承诺。"}
    )
    applicant_signatory = forms.CharField(
        label="申请人（签字）", max_length=50,
        error_messages={"required": "请填写“申请人（签字）”。"},
    )  # fmt: skip
    sealing_unit = forms.CharField(
        label="申请单位（盖章）", max_length=100,
        help_text="填写盖章单位名称，应与机构名称一致。",
        error_messages={"required": "请填写“申请单位（盖章）”。"},
    )  # fmt: skip
    signed_on = forms.DateField(label="日期", widget=DATE_WIDGET)
    stamped_scan = forms.FileField(
        label="加盖单位公章扫描件",
        help_text="本表打印后加盖单位公章的扫描件：PDF、JPEG 或 PNG，不超过 5 MB。",
        error_messages={"required": "请上传加盖单位公章的扫描件。"},
    )
    tech_service_signed_on = forms.DateField(label="日期", required=False, widget=DATE_WIDGET)

    class Meta:
        model = RelyingParty
        fields = [
            "org_name", "org_nature", "uscc", "address", "contact_name", "contact_position",
            "contact_phone", "contact_email", "system_name", "system_endpoint",
            "business_summary", "needs", "verification_range", "channels", "yearly_volume_10k",
            "peak_qps", "matter_tree", "committed", "applicant_signatory", "sealing_unit",
            "signed_on", "stamped_scan", "tech_service_unit", "tech_service_signatory",
            "tech_service_signed_on",
        ]  # fmt: skip
        widgets = {"business_summary": forms.Textarea(attrs={"rows": 2})}

    #: The form's sections, as 附件1 prints them (the template walks them).
    SECTIONS = (
        ("接入信息", (
            "org_name", "org_nature", "uscc", "address", "contact_name", "contact_position",
            "contact_phone", "contact_email", "system_name", "system_endpoint",
            "business_summary", "needs", "verification_range", "channels", "yearly_volume_10k",
            "peak_qps", "matter_tree",
        )),
        ("申请人承诺", ("committed", "applicant_signatory", "sealing_unit", "signed_on",
                   "stamped_scan")),
        ("技术服务单位信息", ("tech_service_unit", "tech_service_signatory",
                       "tech_service_signed_on")),
    )  # fmt: skip

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_uscc(self):
        return validate_uscc(self.cleaned_data["uscc"])

    def clean_peak_qps(self):
        peak = self.cleaned_data["peak_qps"]
        if not 1 <= peak <= 10_000:
            raise ValidationError("验证峰值应在1至10000次/秒之间。")
        return peak

    def clean_matter_tree(self):
        text = self.cleaned_data["matter_tree"].strip()
        parse_matter_tree(text)
        return text


class ScenarioForm(forms.Form):
    """One row of 附件2: 应用事项名称, 实施部门, 办事系统, the four 应用功能 columns, 备注."""

    name = forms.CharField(label="应用事项名称", max_length=100, required=False)
    department = forms.CharField(label="实施部门", max_length=100, required=False)
    system = forms.CharField(label="办事系统", max_length=100, required=False)
    functions = forms.MultipleChoiceField(
        label="应用功能",
        choices=[(f, f) for f in SCENARIO_FUNCTIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    remark = forms.CharField(label="备注", max_length=200, required=False)

    def row(self) -> dict:
        data = self.cleaned_data
        return {
            "应用事项名称": data.get("name", ""),
            "实施部门": data.get("department", ""),
            "办事系统": data.get("system", ""),
            "应用功能": data.get("functions", []),
            "备注": data.get("remark", ""),
        }


ScenarioFormSet = forms.formset_factory(ScenarioForm, extra=3, max_num=50, absolute_max=50)


class SignOffForm(forms.Form):
    ACTIONS = [("sign", "同意并签字"), ("reject", "驳回")]
    action = forms.ChoiceField(label="意见", choices=ACTIONS, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label="意见说明", max_length=200, required=False,
        help_text="驳回时必填。",
    )  # fmt: skip
