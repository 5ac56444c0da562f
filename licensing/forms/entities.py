"""Forms of the register. They validate input; the services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from licensing.models import EntityType, FoodBusinessItem, FoodSubjectType, MarketEntity
from licensing.services.common import clean_uscc
from portal.identifiers import normalise_identifier, validate_food_licence_number

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntityFieldsForm(forms.ModelForm):
    """The registration items shared by registration and change of registration."""

    operating_period_to = forms.DateField(
        label="营业期限至", required=False, widget=DATE_WIDGET, help_text="留空表示长期。"
    )

    class Meta:
        model = MarketEntity
        fields = [
            "name",
            "legal_person_name",
            "registered_capital",
            "operating_period_to",
            "address",
            "business_scope",
        ]
        widgets = {"business_scope": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "registered_capital": "单位：万元人民币；分公司、个体工商户不填。",
            "legal_person_name": "按类型为法定代表人、负责人、执行事务合伙人、投资人或经营者。",
        }

    def clean_registered_capital(self):
        capital = self.cleaned_data.get("registered_capital")
        if capital is not None and capital <= 0:
            raise ValidationError("注册资本（出资额）应大于0。")
        return capital

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 2:
            raise ValidationError("名称过短。")
        return name


class EntityRegistrationForm(EntityFieldsForm):
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=40,
        error_messages={"required": "请输入统一社会信用代码。"},
    )
    established_on = forms.DateField(label="成立日期", widget=DATE_WIDGET)

    class Meta(EntityFieldsForm.Meta):
        fields = ["uscc", "entity_type", *EntityFieldsForm.Meta.fields, "established_on"]

    def clean_uscc(self):
        uscc = clean_uscc(self.cleaned_data["uscc"])
        if MarketEntity.objects.filter(uscc=uscc).exists():
            raise ValidationError("该统一社会信用代码已登记，不能重复登记。")
        return uscc

    def clean_established_on(self):
        established = self.cleaned_data["established_on"]
        if established > timezone.localdate():
            raise ValidationError("成立日期不能晚于今天。")
        return established

    def clean(self):
        data = super().clean()
        end, start = data.get("operating_period_to"), data.get("established_on")
        if end and start and end < start:
            self.add_error("operating_period_to", "营业期限不能早于成立日期。")
        entity_type = data.get("entity_type")
        if entity_type and EntityType(entity_type).info.capital_label is None:
            data["registered_capital"] = None
        return data


class EntityChangeForm(EntityFieldsForm):
    def clean(self):
        data = super().clean()
        end = data.get("operating_period_to")
        if end and end < self.instance.established_on:
            self.add_error("operating_period_to", "营业期限不能早于成立日期。")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class EntityEndForm(ReasonForm):
    action = forms.ChoiceField(
        label="办理事项",
        choices=[("cancel", "注销登记"), ("revoke", "吊销营业执照")],
        widget=forms.RadioSelect,
        initial="cancel",
    )


class FoodLicenceFieldsForm(forms.Form):
    business_items = forms.MultipleChoiceField(
        label="经营项目",
        choices=FoodBusinessItem.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个经营项目。"},
    )
    premises_address = forms.CharField(label="经营场所", max_length=200)


class FoodLicenceIssueForm(FoodLicenceFieldsForm):
    subject_type = forms.TypedChoiceField(
        label="主体业态", choices=FoodSubjectType.choices, coerce=int
    )
    valid_from = forms.DateField(
        label="有效期自", required=False, widget=DATE_WIDGET, help_text="留空为今天；有效期五年。"
    )
    field_order = ["subject_type", "business_items", "premises_address", "valid_from"]


class SearchForm(forms.Form):
    q = forms.CharField(label="统一社会信用代码、名称或许可证编号", max_length=100, required=False)

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        identifier = normalise_identifier(text)
        if identifier.startswith("JY") and len(identifier) >= 10:
            return validate_food_licence_number(identifier)
        if len(identifier) == 18 and identifier.isalnum() and identifier.isascii():
            return clean_uscc(identifier)
        return text
