"""Forms of sign-in for connected systems (ADR 0025)."""

from django import forms
from oauth2_provider.forms import AllowForm

from elicense.models import IdTokenAlgorithm, Matter, OidcClient, RelyingParty


class ConsentForm(AllowForm):
    """DOT's consent form (the authorization request in hidden fields) and the entity the
    user acts for; the view decides again from the entity, never from the other fields."""

    entity = forms.CharField(widget=forms.HiddenInput())


class OidcClientForm(forms.ModelForm):
    """The administrator opens 用户登录 for a relying party (admin add page)."""

    redirect_uris = forms.CharField(
        label="回调地址", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个，须在该单位登记的域名（IP）及端口上；https（本机回环地址可用 http）。",
    )  # fmt: skip
    post_logout_redirect_uris = forms.CharField(
        label="退出后回调地址", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = OidcClient
        fields = ["relying_party", "matter", "id_token_algorithm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relying_party"].queryset = RelyingParty.objects.filter(status="approved")
        self.fields["matter"].queryset = Matter.objects.all()
        self.fields["id_token_algorithm"].choices = IdTokenAlgorithm.choices
