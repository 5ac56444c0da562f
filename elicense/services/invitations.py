"""Inviting a new agent (经办人) account for the entity, to be authorised afterwards."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from elicense.audit import ElicenseAction
from elicense.permissions import require
from portal.audit import record_event
from portal.models import Role, User
from portal.models.accounts import EnterpriseCapacity


@transaction.atomic
def invite_agent(
    *, acting_user, username: str, full_name: str, phone: str = ""
) -> tuple[User, str]:
    """Create an agent account of the legal representative's entity, without a password.

    Returns the user and the invitation path where the agent sets a password (Django's
    password-reset token: single use, expires with PASSWORD_RESET_TIMEOUT).
    """
    require(acting_user, "elicense.manage_authorisations")
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    agent = User(
        username=username,
        full_name=full_name.strip(),
        phone=phone.strip(),
        role=Role.ENTERPRISE,
        entity_uscc=acting_user.entity_uscc,
        enterprise_capacity=EnterpriseCapacity.AGENT,
    )
    agent.set_unusable_password()
    agent.full_clean()
    agent.save()
    record_event(
        actor=acting_user,
        action=ElicenseAction.AGENT_INVITED,
        obj=agent,
        changes={"username": username, "entity_uscc": acting_user.entity_uscc},
    )
    path = reverse(
        "portal:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(agent.pk)),
            "token": default_token_generator.make_token(agent),
        },
    )
    return agent, path
