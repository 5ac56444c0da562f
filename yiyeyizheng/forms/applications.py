"""Forms of the application workflow (the services do the checking that matters)."""

from django import forms
from django.core.exceptions import ValidationError

from yiyeyizheng.forms.questionnaire import answer_field
from yiyeyizheng.models.applications import FORM_FIELDS, UPLOAD_PURPOSES
from yiyeyizheng.models.validators import normalise_phone


class ApplicationForm(forms.Form):
    """The application form: the applicant's own fields, the facts of the business (the
    questions the format's rules ask, so the same facts decide the items) and the optional
    items to tick. The services check all of it again."""

    premises_address = forms.CharField(label=FORM_FIELDS["premises_address"], max_length=200)
    contact_name = forms.CharField(label=FORM_FIELDS["contact_name"], max_length=50)
    contact_phone = forms.CharField(
        label=FORM_FIELDS["contact_phone"], max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip

    def __init__(self, *args, questions=(), optional_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写“{field.label}”。"
        self.fact_names = [q.key for q in questions]
        for q in questions:
            self.fields[q.key] = answer_field(q, widgets=True)
        if optional_items:
            self.fields["chosen_optional"] = forms.MultipleChoiceField(
                label="按需办理的事项（勾选要一并申请的）",
                choices=[(str(d["item_id"]), d["permit"]) for d in optional_items],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean_contact_phone(self):
        try:
            return normalise_phone(self.cleaned_data["contact_phone"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def facts(self):
        """The facts' bound fields, for the form's 经营情况 section."""
        return [self[name] for name in self.fact_names]


class AttachmentForm(forms.Form):
    purpose = forms.ChoiceField(label="材料类型", choices=UPLOAD_PURPOSES)
    file = forms.FileField(
        label="文件（PDF、JPEG 或 PNG）", error_messages={"required": "请选择要上传的文件。"}
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="事由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
        error_messages={"required": "请填写事由。"},
    )  # fmt: skip


class NoticeForm(forms.Form):
    notice = forms.CharField(
        label="补正告知（一次性列明全部需补正的内容）", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000, error_messages={"required": "请一次性写明需要补正的全部内容。"},
    )  # fmt: skip


class ReviewForm(forms.Form):
    ACTIONS = [("approve", "准予"), ("correct", "要求补正"), ("reject", "不予许可")]
    action = forms.ChoiceField(label="审查意见", choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False
    )


class ProgressForm(forms.Form):
    number = forms.CharField(
        label="申请编号", max_length=20, error_messages={"required": "请输入申请编号。"}
    )
    code = forms.CharField(
        label="查询码", max_length=10, error_messages={"required": "请输入查询码。"}
    )


class LicenceFilingForm(forms.Form):
    """执照存档: which check to file (the service reads it back from the log)."""

    check_id = forms.UUIDField(
        error_messages={"required": "缺少查验编号。", "invalid": "查验编号无效，请重新扫码查验。"}
    )
