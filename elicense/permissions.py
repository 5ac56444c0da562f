"""Who may act for an enterprise (ADR 0015): named ``rules`` predicates, and the rules that
views, services and templates ask alike (``user.has_perm``, ``{% has_perm %}``).

The legal representative (法定代表人) may do everything for their entity. An agent (经办人)
may act only under a current authorisation (``Authorisation.state_at``) whose scope covers
the matter of the action; which matters cover which action is declared once, with the rule,
through ``add_enterprise_rule`` (``licensing`` and ``yiyeyizheng`` declare theirs in their
own ``permissions.py``). Scoping stays with ``visible_to``: a rule says what a user may do
within what they may see. A refusal carries ``refusal(user, rule)``: why, and whom to ask.
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from elicense.models import Authorisation, AuthorisationState
from elicense.queries.verifications import valid_scans_by
from portal.models import Role, User
from portal.models.accounts import EnterpriseCapacity
from portal.permissions import (  # noqa: F401 (re-exported: the apps' rules build on them)
    has_role,
    is_administrator,
    is_bureau_staff,
    is_city_wide,
    is_enterprise,
    is_enterprise_user,
    of_entity,
)

#: An agent's current authorisation for any matter will do: the e-licence is the credential an
#: agent shows for whatever it is authorised to do, and the scanning desk checks that matter.
ANY_MATTER: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnterpriseAction:
    """What ``rule`` lets an enterprise user do, and what an agent needs for it."""

    rule: str
    label: str
    #: One of these must be covered by the agent's authorisation (``ANY_MATTER``: any
    #: scope); None: the legal representative only.
    matters: tuple[str, ...] | None


#: Every enterprise action by rule name: the table of ADR 0015.
ACTIONS: dict[str, EnterpriseAction] = {}


@rules.predicate
def is_legal_representative(user) -> bool:
    return is_enterprise_user(user) and (
        user.enterprise_capacity == EnterpriseCapacity.LEGAL_REPRESENTATIVE
    )


@rules.predicate
def is_agent(user) -> bool:
    return is_enterprise_user(user) and user.enterprise_capacity == EnterpriseCapacity.AGENT


#: Who may use the scan page: window staff and the bureau's officers.
SCANNER_ROLES = (Role.WINDOW_CLERK, Role.DISTRICT_OFFICER, Role.CITY_OFFICER)
is_scanner = has_role(*SCANNER_ROLES)


@rules.predicate
def holds_certificate(user, certificate) -> bool:
    """An enterprise user of the certificate's holder."""
    return is_enterprise(user) and of_entity(user, certificate.holder_uscc)


def covering_authorisation(user, matters: tuple[str, ...]) -> Authorisation | None:
    """The agent's current authorisation from its own entity whose scope covers one of
    ``matters`` (any scope when empty), the longest-running first; None for anyone else."""
    if not is_agent(user):
        return None
    for authorisation in Authorisation.objects.current_of(holder_uscc=user.entity_uscc, agent=user):
        if not matters or any(authorisation.scope.covers(matter) for matter in matters):
            return authorisation
    return None


def has_current_authorisation_for(*matters: str) -> rules.Predicate:
    """A predicate: an agent holding a current authorisation that covers one of ``matters``
    (any matter when none is named)."""
    label = "|".join(matters) or "any matter"

    @rules.predicate(name=f"has_current_authorisation_for({label})")
    def predicate(user) -> bool:
        return covering_authorisation(user, matters) is not None

    return predicate


@rules.predicate
def has_current_authorisation_for_the_matter(user, matter) -> bool:
    """The object is a matter path (电子政务/市场监管/动产抵押); None asks for any matter."""
    return covering_authorisation(user, (matter,) if matter else ANY_MATTER) is not None


def acts_for_entity(*matters: str) -> rules.Predicate:
    """The legal representative, or an agent authorised for one of ``matters``."""
    return is_legal_representative | has_current_authorisation_for(*matters)


def add_enterprise_rule(
    rule: str,
    *,
    label: str,
    matters: tuple[str, ...] | None,
    predicate: rules.Predicate | None = None,
    also: rules.Predicate | None = None,
) -> None:
    """Declare an enterprise action: its rule, its Chinese label and the matters that cover
    it (None: the legal representative only). ``predicate`` replaces the usual test of
    capacity and authorisation; ``also`` admits someone else besides (staff, say)."""
    ACTIONS[rule] = EnterpriseAction(rule, label, matters)
    if predicate is None:
        predicate = is_legal_representative if matters is None else acts_for_entity(*matters)
    rules.add_perm(rule, predicate | also if also is not None else predicate)


def legal_representatives(uscc: str) -> list[str]:
    """The names of the entity's legal representatives with an account: whom an agent asks."""
    users = User.objects.filter(
        role=Role.ENTERPRISE,
        entity_uscc=uscc,
        enterprise_capacity=EnterpriseCapacity.LEGAL_REPRESENTATIVE,
        is_active=True,
    ).order_by("pk")
    return [str(user) for user in users]


def _whom_to_ask(user) -> str:
    return "请联系本企业法定代表人（负责人）" + "、".join(legal_representatives(user.entity_uscc))


def latest_authorisation_state(
    user, matters: tuple[str, ...], *, holder_uscc: str | None = None, missing="您尚未获得授权"
) -> str:
    """What became of the agent's most recent authorisation from ``holder_uscc`` (the
    agent's own entity by default) for these matters, in plain Chinese; ``missing`` if none."""
    now = timezone.now()
    for authorisation in (
        Authorisation.objects.of_holder(holder_uscc or user.entity_uscc)
        .filter(agent=user)
        .select_related("scope")
        .order_by("-granted_at", "-pk")
    ):
        if matters and not any(authorisation.scope.covers(m) for m in matters):
            continue
        state = authorisation.state_at(now)
        when = {
            AuthorisationState.REVOKED: authorisation.revoked_at,
            AuthorisationState.EXPIRED: authorisation.valid_to,
            AuthorisationState.NOT_YET: authorisation.valid_from,
        }.get(state)
        if when is None:
            continue
        at = f"{timezone.localtime(when):%Y-%m-%d %H:%M}"
        return {
            AuthorisationState.REVOKED: f"您的授权已于{at}被撤销",
            AuthorisationState.EXPIRED: f"您的授权已于{at}到期",
            AuthorisationState.NOT_YET: f"您的授权自{at}起才生效",
        }[state]
    return missing


def refusal(user, rule: str) -> str:
    """Why ``user`` may not do ``rule``, and whom to ask: plain Chinese for the 403 page."""
    action = ACTIONS.get(rule)
    label = action.label if action else "进行此操作"
    if not is_enterprise_user(user):
        return f"只有本企业的用户可以{label}。"
    if action is None or action.matters is None:
        return f"只有法定代表人（负责人）可以{label}。{_whom_to_ask(user)}办理。"
    scope = "、".join(f"“{m}”" for m in action.matters)
    needed = f"覆盖{scope}事项的有效授权" if scope else "有效的授权"
    return (
        f"经办人须持有{needed}才能{label}；{latest_authorisation_state(user, action.matters)}。"
        f"{_whom_to_ask(user)}授权，授权情况可在“授权管理”中查看。"
    )


def require(user, rule: str, obj=None) -> None:
    """Raise PermissionDenied with ``refusal`` unless ``user`` has ``rule`` (views, services).

    Asks the rule itself, without Django's superuser shortcut in ``user.has_perm``: a
    superuser is nobody's legal representative.
    """
    if not rules.has_perm(rule, user, obj):
        raise PermissionDenied(refusal(user, rule))


add_enterprise_rule("elicense.view_certificates", label="查看本企业的电子证照", matters=ANY_MATTER)
add_enterprise_rule(
    "elicense.view_access_log", label="查看本企业证照的查验和扫码登录记录", matters=None
)
add_enterprise_rule("elicense.present", label="出示电子营业执照", matters=ANY_MATTER)


@rules.predicate
def issued_in_the_clerks_district(user, certificate) -> bool:
    """A window clerk prints and downloads what the clerks of their district issued (read
    ``issued_by`` with ``select_related`` on lists)."""
    return bool(
        certificate is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.WINDOW_CLERK
        and user.district_id
        and certificate.issued_by_id
        and certificate.issued_by.district_id == user.district_id
    )


@rules.predicate
def scanned_valid_by_the_user_lately(user, certificate) -> bool:
    """执照存档: window staff (``SCANNER_ROLES``) print and download a certificate version
    they themselves scanned at the window and found valid within the last
    ``SCANNED_CERTIFICATE_HOURS`` hours, as logged in the 查验记录 (whatever district issued
    it: the applicant at the window may come from anywhere). Another clerk's scan, an
    invalid one, or an older one does not count; the check must have reached the log."""
    return bool(
        certificate is not None
        and user.is_authenticated
        and user.is_active
        and is_scanner(user)
        and valid_scans_by(user).filter(certificate_id=certificate.pk).exists()
    )


add_enterprise_rule(
    "elicense.print_certificate",
    label="下载或打印电子证照",
    matters=ANY_MATTER,
    also=is_city_wide | issued_in_the_clerks_district | scanned_valid_by_the_user_lately,
)
add_enterprise_rule(
    "elicense.sign_document",
    label="以企业名义签名",
    matters=ANY_MATTER,
    predicate=is_legal_representative | has_current_authorisation_for_the_matter,
)
add_enterprise_rule("elicense.view_keys", label="查看本企业的签名密钥", matters=ANY_MATTER)
add_enterprise_rule(
    "elicense.rotate_key", label="更换签名密钥", matters=None, also=is_administrator
)
add_enterprise_rule(
    "elicense.manage_authorisations", label="授权、撤销授权或邀请经办人", matters=None
)


@rules.predicate
def is_consent_holder_or_legal_representative(user, consent) -> bool:
    """A sign-in consent (ADR 0025) is withdrawn by its user or the entity's legal
    representative."""
    if consent is None or not is_enterprise_user(user):
        return False
    return consent.user_id == user.pk or (
        is_legal_representative(user) and user.entity_uscc == consent.entity_uscc
    )


rules.add_perm("elicense.manage_oidc_clients", is_administrator)
rules.add_perm("elicense.revoke_oidc_consent", is_consent_holder_or_legal_representative)


# --- 应用接入 (济宁附件1): 受理, then the two sign-offs -------------------------------------
@rules.predicate
def may_accept_access(user) -> bool:
    """受理信息 (省/市市场监管部门受理意见): the city bureau's officers accept the application."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.CITY_OFFICER)


@rules.predicate
def may_sign_off_guidance(user) -> bool:
    """业务指导部门: the city bureau's officers, who own the use of the e-licence."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.CITY_OFFICER)


@rules.predicate
def may_sign_off_operations(user) -> bool:
    """系统运维部门: the administrators, who run the verification platform and its keys."""
    return is_administrator(user)


rules.add_perm("elicense.accept_access", may_accept_access)
rules.add_perm("elicense.sign_off_guidance", may_sign_off_guidance)
rules.add_perm("elicense.sign_off_operations", may_sign_off_operations)
rules.add_perm(
    "elicense.review_access", may_accept_access | may_sign_off_guidance | may_sign_off_operations
)
#: 照面信息获取: staff filling a register form, an enterprise filling its supplier list.
add_enterprise_rule(
    "elicense.read_face", label="扫码获取照面信息", matters=ANY_MATTER, also=is_bureau_staff
)
