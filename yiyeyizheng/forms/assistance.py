"""Forms of 帮办代办: the applicant's request, and the window form the clerk fills."""

from django import forms

from yiyeyizheng.forms.applications import ApplicationForm
from yiyeyizheng.models import BusinessFormat, CatalogueVersion


class AssistanceRequestForm(forms.Form):
    business_format = forms.ModelChoiceField(
        label="经营业态", queryset=BusinessFormat.objects.none(),
        empty_label="请选择要开办的经营业态",
        error_messages={"required": "请选择经营业态。"},
    )  # fmt: skip
    note = forms.CharField(
        label="需要帮办的事项", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：不熟悉网上填报，请窗口代为填写“一业一证”申请。",
        error_messages={"required": "请写明需要窗口帮您办理的事项。"},
    )  # fmt: skip
    contact_phone = forms.CharField(
        label="联系电话", max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": "请填写联系电话。"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = CatalogueVersion.current()
        self.fields["business_format"].queryset = (
            BusinessFormat.objects.of(version) if version else BusinessFormat.objects.none()
        )
        self.fields["business_format"].label_from_instance = lambda f: f"{f.seq}. {f.name}"


class AssistedApplicationForm(ApplicationForm):
    """The 一业一证 window form: the clerk fills the application for the applicant; the
    entity is confirmed by its USCC (scanned from the presented licence, or typed)."""

    uscc = forms.CharField(
        label="统一社会信用代码（核对申请主体）", max_length=40,
        error_messages={"required": "请扫描申请人出示的电子营业执照或输入统一社会信用代码。"},
    )  # fmt: skip

    field_order = ["uscc", "premises_address", "contact_name", "contact_phone"]
