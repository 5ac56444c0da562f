"""Forms of the authorisation pages: grant, revoke, invite an agent."""

from django import forms
from django.utils import timezone

from elicense.models import Matter
from portal.models import Role, User
from portal.models.accounts import EnterpriseCapacity

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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
