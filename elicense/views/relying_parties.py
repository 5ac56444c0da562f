"""Access applications (应用接入): the public form (济宁附件1 with 附件2), and the review
pages in 附件1's order: 受理 by the bureau, then 业务指导部门 and 系统运维部门 sign off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from elicense.forms.relying_parties import AccessApplicationForm, ScenarioFormSet, SignOffForm
from elicense.models import RelyingParty, RelyingPartyStatus
from elicense.models.relying_parties import COMMITMENT, SCENARIO_FUNCTIONS
from elicense.permissions import require
from elicense.services import relying_parties as services
from portal.forms import add_service_errors


@require_http_methods(["GET", "POST"])
def access_apply(request):
    form = AccessApplicationForm(request.POST or None, request.FILES or None)
    scenarios = ScenarioFormSet(request.POST or None, prefix="scenarios")
    if request.method == "POST" and form.is_valid() and scenarios.is_valid():
        data = dict(form.cleaned_data)
        try:
            party = services.apply_for_access(
                acting_user=request.user if request.user.is_authenticated else None,
                scenarios=[row.row() for row in scenarios.forms if row.cleaned_data],
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "elicense/relyingparty_applied.html", {"party": party})
    return render(
        request,
        "elicense/relyingparty_apply.html",
        {"form": form, "scenarios": scenarios, "functions": SCENARIO_FUNCTIONS},
    )


#: Applications someone still has to act on, in 附件1's order.
WAITING = (RelyingPartyStatus.PENDING, RelyingPartyStatus.ACCEPTED, RelyingPartyStatus.GUIDED)
#: Who signs next, as the page's button says it.
SIGN_LABELS = {
    RelyingPartyStatus.PENDING: "受理",
    RelyingPartyStatus.ACCEPTED: "业务指导部门签字",
    RelyingPartyStatus.GUIDED: "系统运维部门签字",
}
#: What 同意并签字 does before the last sign-off, and what the page then says.
SIGN_STEPS = {
    RelyingPartyStatus.PENDING: (
        services.accept_access_application,
        "已受理，待业务指导部门签字。",
    ),
    RelyingPartyStatus.ACCEPTED: (
        services.sign_off_guidance,
        "业务指导部门已签字，待系统运维部门签字。",
    ),
}


def _reviewer(request):
    require(request.user, "elicense.review_access")
    return request.user


@login_required
def access_list(request):
    """Applications awaiting a sign-off, then the decided ones."""
    _reviewer(request)
    parties = (
        RelyingParty.objects.visible_to(request.user)
        .select_related("guidance_signed_by", "decided_by")
        .order_by("status", "-applied_at")
    )
    return render(
        request,
        "elicense/relyingparty_list.html",
        {
            "waiting": [p for p in parties if p.status in WAITING],
            "decided": [p for p in parties if p.status not in WAITING],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_detail(request, pk: int):
    """The application as 附件1 prints it, with the sign-off the user may give now."""
    user = _reviewer(request)
    party = get_object_or_404(RelyingParty.objects.visible_to(request.user), pk=pk)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        opinion = form.cleaned_data["opinion"]
        try:
            if form.cleaned_data["action"] == "reject":
                services.reject_relying_party(acting_user=user, party=party, reason=opinion)
                messages.success(request, "已驳回该接入申请。")
            elif party.status in SIGN_STEPS:
                step, done = SIGN_STEPS[party.status]
                step(acting_user=user, party=party, opinion=opinion)
                messages.success(request, done)
            else:
                party, key = services.sign_off_operations(
                    acting_user=user, party=party, opinion=opinion
                )
                messages.success(request, f"已批准接入。接口密钥（仅显示一次，请立即交付）：{key}")
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("elicense:access_detail", pk=party.pk)
    return render(
        request,
        "elicense/relyingparty_detail.html",
        {
            "party": party,
            "form": form,
            "sign_label": SIGN_LABELS.get(party.status),
            "commitment": COMMITMENT,
            "functions": SCENARIO_FUNCTIONS,
        },
    )


@login_required
def access_scan(request, pk: int):
    """The stamped scan, for the departments signing off only."""
    _reviewer(request)
    party = get_object_or_404(RelyingParty.objects.visible_to(request.user), pk=pk)
    if not party.stamped_scan:
        raise Http404
    return FileResponse(
        party.stamped_scan.open("rb"),
        content_type=party.stamped_scan_type,
        as_attachment=True,
        filename=f"附件1-{party.pk}{party.stamped_scan.name[-4:]}",
    )
