"""Granting and revoking agent authorisations (授权)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from elicense.audit import ElicenseAction
from elicense.models import Authorisation
from elicense.permissions import require
from elicense.services.oidc import end_oidc_tokens_of_authorisation
from portal.audit import record_event
from portal.models.accounts import EnterpriseCapacity
from portal.permissions import is_enterprise, of_entity


@transaction.atomic
def grant_authorisation(*, acting_user, agent, scope, valid_from, valid_to) -> Authorisation:
    """The legal representative authorises an agent of the same entity for a scope and period."""
    require(acting_user, "elicense.manage_authorisations")
    errors = {}
    if not (is_enterprise(agent) and of_entity(agent, acting_user.entity_uscc)):
        errors["agent"] = "被授权人必须是本企业的用户。"
    elif agent.enterprise_capacity != EnterpriseCapacity.AGENT:
        errors["agent"] = "法定代表人无需授权，请选择经办人。"
    elif not agent.is_active:
        errors["agent"] = "该用户已停用。"
    if valid_to <= valid_from:
        errors["valid_to"] = "截止时间必须晚于生效时间。"
    elif valid_to <= timezone.now():
        errors["valid_to"] = "截止时间已过。"
    if errors:
        raise ValidationError(errors)
    authorisation = Authorisation.objects.create(
        holder_uscc=acting_user.entity_uscc,
        agent=agent,
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by=acting_user,
    )
    record_event(
        actor=acting_user,
        action=ElicenseAction.AUTHORISATION_GRANTED,
        obj=authorisation,
        changes={"agent": agent.get_username(), "scope": scope.path, "valid_to": valid_to},
    )
    return authorisation


@transaction.atomic
def revoke_authorisation(*, acting_user, authorisation, reason) -> Authorisation:
    """Withdraw an authorisation; presentations under it fail from this instant."""
    require(acting_user, "elicense.manage_authorisations")
    authorisation = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if authorisation.holder_uscc != acting_user.entity_uscc:
        raise PermissionDenied("不能撤销其他主体的授权。")
    if authorisation.status != "active":
        raise ValidationError("该授权已撤销。")
    reason = (reason or "").strip() or "法定代表人撤销"
    authorisation.revoke(by=acting_user, at=timezone.now(), reason=reason)
    authorisation.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.AUTHORISATION_REVOKED,
        obj=authorisation,
        changes={"reason": reason},
    )
    # the systems the agent signed into under it lose their refresh tokens now (ADR 0025)
    end_oidc_tokens_of_authorisation(acting_user=acting_user, authorisation=authorisation)
    return authorisation
