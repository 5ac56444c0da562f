"""The enterprise's authorisation pages (授权管理)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods, require_POST

from elicense.forms.authorisations import GrantForm, InviteForm, RevokeForm
from elicense.models import Authorisation
from elicense.permissions import legal_representatives, require
from elicense.services.authorisations import grant_authorisation, revoke_authorisation
from elicense.services.invitations import invite_agent
from portal.access import require_enterprise
from portal.forms import add_service_errors
from portal.idempotency import replay_form, submit_form_once
from portal.views.confirm import Confirmation, confirm_page, confirmed

#: Grants are answered once per form token (portal.idempotency).
GRANT = "elicense.authorisation.grant"


@login_required
@require_http_methods(["GET", "POST"])
def authorisation_list(request):
    """The legal representative grants and revokes; an agent sees its own grants, each with
    its state now (``Authorisation.state``): where it learns what it may do and whom to ask."""
    user = require_enterprise(request)
    is_legal = user.has_perm("elicense.manage_authorisations")
    authorisations = Authorisation.objects.of_holder(user.entity_uscc).select_related(
        "agent", "scope", "granted_by", "revoked_by"
    )
    if not is_legal:
        authorisations = authorisations.filter(agent=user)
    form = GrantForm(request.POST or None, holder_uscc=user.entity_uscc) if is_legal else None
    if request.method == "POST":
        require(user, "elicense.manage_authorisations")
        if replay := replay_form(request, action=GRANT):
            return replay
        if form.is_valid():
            try:
                once = submit_form_once(
                    request,
                    action=GRANT,
                    create=lambda: grant_authorisation(acting_user=user, **form.cleaned_data),
                    url=lambda _: reverse("elicense:authorisation_list"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not once.replayed:
                    messages.success(request, "授权已生效。")
                return redirect(once.url)
    return render(
        request,
        "elicense/authorisation_list.html",
        {
            "authorisations": authorisations,
            "form": form,
            "revoke_form": RevokeForm(),
            "invite_form": InviteForm() if is_legal else None,
            "legal_representatives": [] if is_legal else legal_representatives(user.entity_uscc),
        },
    )


@login_required
@require_POST
def authorisation_revoke(request, pk):
    user = require_enterprise(request)
    require(user, "elicense.manage_authorisations")
    authorisation = get_object_or_404(Authorisation.objects.visible_to(user), pk=pk)
    form = RevokeForm(request.POST)
    form.is_valid()
    if not confirmed(request):
        return confirm_page(
            request,
            Confirmation(
                title="撤销授权",
                action="撤销后该经办人立即不能再以本企业名义出示电子营业执照、签名或办理授权范围内的事项。",
                subject=f"{authorisation.agent}的授权：{authorisation.scope}，"
                f"{localtime(authorisation.valid_from):%Y-%m-%d %H:%M} 至 "
                f"{localtime(authorisation.valid_to):%Y-%m-%d %H:%M}",
                undo="不能撤回。如需继续授权，请重新授权。",
                button="确认撤销授权",
                back_url=reverse("elicense:authorisation_list"),
                details=(("撤销原因", form.cleaned_data.get("reason") or "未填写"),),
            ),
        )
    try:
        revoke_authorisation(
            acting_user=user, authorisation=authorisation, reason=form.cleaned_data.get("reason")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "授权已撤销，立即失效。")
    return redirect("elicense:authorisation_list")


@login_required
@require_POST
def agent_invite(request):
    """The legal representative creates an agent account and receives its invitation link."""
    user = require_enterprise(request)
    require(user, "elicense.manage_authorisations")
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写用户名和姓名。")
        return redirect("elicense:authorisation_list")
    try:
        agent, path = invite_agent(acting_user=user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"已创建经办人账户 {agent.username}。请将设置密码的链接交给本人（仅显示一次）："
            f"{request.build_absolute_uri(path)}",
        )
    return redirect("elicense:authorisation_list")
