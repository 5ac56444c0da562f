from django import forms
from django.utils import timezone

from elicense.models import Matter
from portal.models import Role, User
from portal.models.accounts import EnterpriseCapacity

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ScanForm(forms.Form):
    token = forms.CharField(
        label="扫描或粘贴出示码、亮照二维码或打印件二维码",
        max_length=8192,
        error_messages={"required": "请扫描二维码或粘贴内容。"},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    matter = forms.ModelChoiceField(
        label="办理事项",
        queryset=Matter.objects.all(),
        to_field_name="path",
        required=False,
        empty_label="（不限）",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="选择所办事项后，经办人出示时须在授权范围内。",
    )


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.username}（{obj.username}）"


class GrantForm(forms.Form):
    agent = AgentChoiceField(label="被授权人（经办人）", queryset=User.objects.none())
    scope = forms.ModelChoiceField(
        label="授权范围", queryset=Matter.objects.all(), to_field_name="path"
    )
    valid_from = forms.DateTimeField(label="生效时间", widget=DATETIME_WIDGET)
    valid_to = forms.DateTimeField(label="截止时间", widget=DATETIME_WIDGET)

    def __init__(self, *args, holder_uscc, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = User.objects.filter(
            role=Role.ENTERPRISE,
            entity_uscc=holder_uscc,
            enterprise_capacity=EnterpriseCapacity.AGENT,
            is_active=True,
        ).order_by("username")
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["valid_from"].initial = now
        self.fields["valid_to"].initial = now + timezone.timedelta(days=30)


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, required=False)


class InviteForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="电话", max_length=20, required=False)
