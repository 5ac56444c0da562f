"""Reads for sign-in at connected systems (ADR 0025): for whom a user may sign in, whether
an agent's authorisation covers the system's matter, and the systems an entity signed into."""

from dataclasses import dataclass

from elicense.models import (
    Authorisation,
    Certificate,
    OidcClient,
    OidcConsent,
    OidcSignIn,
)
from elicense.permissions import latest_authorisation_state, legal_representatives
from portal.models.accounts import EnterpriseCapacity
from portal.permissions import is_enterprise_user

#: The ``role`` claim: what a system learns of the user's capacity for the entity.
ROLE_CLAIMS = {
    EnterpriseCapacity.LEGAL_REPRESENTATIVE: "法定代表人",
    EnterpriseCapacity.AGENT: "经办人",
}


@dataclass(frozen=True)
class ActingEntity:
    uscc: str
    name: str
    capacity: str  # EnterpriseCapacity value

    @property
    def role_label(self) -> str:
        return ROLE_CLAIMS[self.capacity]


@dataclass(frozen=True)
class SignInDecision:
    """Whether ``user`` may sign in to ``client`` for ``entity``, and under what."""

    entity: ActingEntity
    authorisation: Authorisation | None
    refusal: str  # empty when allowed

    @property
    def allowed(self) -> bool:
        return not self.refusal


def entity_name(uscc: str) -> str:
    """The holder's name on its latest certificate (elicense knows no register model)."""
    name = (
        Certificate.objects.filter(holder_uscc=uscc)
        .order_by("-pk")
        .values_list("holder_name", flat=True)
        .first()
    )
    return name or uscc


def acting_entities(user) -> list[ActingEntity]:
    """The entities ``user`` may act for: its own, and any other whose current
    authorisation names it (the choice page appears when there is more than one)."""
    if not (is_enterprise_user(user)):
        return []
    entities = [
        ActingEntity(user.entity_uscc, entity_name(user.entity_uscc), user.enterprise_capacity)
    ]
    others = (
        Authorisation.objects.current()
        .filter(agent=user)
        .exclude(holder_uscc=user.entity_uscc)
        .values_list("holder_uscc", flat=True)
        .distinct()
    )
    entities += [ActingEntity(uscc, entity_name(uscc), EnterpriseCapacity.AGENT) for uscc in others]
    return entities


def sign_in_decision(user, client: OidcClient, entity: ActingEntity) -> SignInDecision:
    """The legal representative may always sign in for its entity; an agent needs a current
    authorisation from the entity whose scope covers the matter the system declares."""
    system = client.relying_party.system_name
    if not client.is_active:
        return SignInDecision(entity, None, f"“{system}”已停止接入，暂不能登录。")
    if entity.capacity == EnterpriseCapacity.LEGAL_REPRESENTATIVE:
        return SignInDecision(entity, None, "")
    matter = client.matter.path
    authorisation = Authorisation.objects.covering(
        holder_uscc=entity.uscc, agent=user, matter=matter
    )
    if authorisation is not None:
        return SignInDecision(entity, authorisation, "")
    names = "、".join(legal_representatives(entity.uscc))
    state = latest_authorisation_state(
        user, (matter,), holder_uscc=entity.uscc, missing="您尚未获得该事项的授权"
    )
    return SignInDecision(
        entity,
        None,
        f"经办人须持有{entity.name}授予的、覆盖“{matter}”事项的有效授权，才能登录“{system}”；"
        f"{state}。请联系该企业法定代表人（负责人）{names}授权。",
    )


def live_consent(user, client: OidcClient, entity_uscc: str) -> OidcConsent | None:
    return (
        OidcConsent.objects.active()
        .filter(user=user, client=client, entity_uscc=entity_uscc)
        .first()
    )


def still_allowed(sign_in: OidcSignIn) -> str:
    """Why tokens of ``sign_in`` may no longer be issued or refreshed ('' if they may)."""
    client = sign_in.client
    if not client.is_active:
        return "client_revoked"
    if not sign_in.user.is_active:
        return "user_inactive"
    if live_consent(sign_in.user, client, sign_in.entity_uscc) is None:
        return "consent_revoked"
    if sign_in.authorisation_id is not None:
        current = Authorisation.objects.current().filter(pk=sign_in.authorisation_id).exists()
        if not current:
            return "authorisation_ended"
    return ""


@dataclass(frozen=True)
class ConnectedSystem:
    """A row of the enterprise page's 已登录的应用系统 list."""

    consent_id: int | None
    system_name: str
    org_name: str
    user_name: str
    scopes: list[str]
    granted_at: object
    last_sign_in: object
    revocable: bool


def connected_systems(uscc: str, *, viewer) -> list[ConnectedSystem]:
    """Systems signed into for the entity (consents, live or not, with their last sign-in);
    the legal representative sees them all, an agent its own; a live consent is revocable
    by its user and by the entity's legal representative."""
    consents = OidcConsent.objects.visible_to(viewer).filter(entity_uscc=uscc)
    consents = consents.select_related("client__relying_party", "user").order_by(
        "revoked_at", "-granted_at"
    )[:30]
    last = {}
    for row in (
        OidcSignIn.objects.filter(entity_uscc=uscc, token_issued_at__isnull=False)
        .order_by("token_issued_at")
        .values("user_id", "client_id", "token_issued_at")
    ):
        last[(row["user_id"], row["client_id"])] = row["token_issued_at"]
    return [
        ConnectedSystem(
            consent_id=consent.pk if consent.revoked_at is None else None,
            system_name=consent.client.relying_party.system_name,
            org_name=consent.client.relying_party.org_name,
            user_name=str(consent.user),
            scopes=consent.scopes.split(),
            granted_at=consent.granted_at,
            last_sign_in=last.get((consent.user_id, consent.client_id)),
            revocable=consent.revoked_at is None,  # visible_to: the LR's or the agent's own
        )
        for consent in consents
    ]
