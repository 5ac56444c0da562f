"""Public access application for platforms and government systems (应用接入)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from elicense.forms.relying_parties import AccessApplicationForm
from elicense.services.relying_parties import apply_for_access
from portal.forms import add_service_errors


@require_http_methods(["GET", "POST"])
def access_apply(request):
    form = AccessApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        matters = data.pop("matters")
        try:
            party = apply_for_access(
                acting_user=request.user if request.user.is_authenticated else None,
                matters=matters,
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "elicense/relyingparty_applied.html", {"party": party})
    return render(request, "elicense/relyingparty_apply.html", {"form": form})
