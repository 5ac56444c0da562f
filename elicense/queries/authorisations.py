"""The credential layer's blocks on the role home pages."""

from dataclasses import dataclass, field

from elicense.models import Authorisation
from elicense.permissions import is_agent, legal_representatives


@dataclass(frozen=True)
class AgentPanel:
    """An agent's current authorisations; ``is_agent`` false hides the panel."""

    is_agent: bool
    authorisations: list[Authorisation] = field(default_factory=list)
    legal_representatives: list[str] = field(default_factory=list)


def agent_authorisations(request) -> AgentPanel:
    """An agent's current authorisations, or, when it has none, whom to ask for one."""
    user = request.user
    if not is_agent(user):
        return AgentPanel(is_agent=False)
    current = list(Authorisation.objects.current_of(holder_uscc=user.entity_uscc, agent=user))
    return AgentPanel(
        is_agent=True,
        authorisations=current,
        legal_representatives=[] if current else legal_representatives(user.entity_uscc),
    )
