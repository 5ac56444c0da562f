"""The credential layer's blocks on the role home pages."""

from elicense.models import Authorisation
from elicense.permissions import is_agent, legal_representatives


def agent_authorisations(request) -> dict:
    """An agent's current authorisations, or, when it has none, whom to ask for one."""
    user = request.user
    if not is_agent(user):
        return {"is_agent": False}
    current = list(Authorisation.objects.current_of(holder_uscc=user.entity_uscc, agent=user))
    return {
        "is_agent": True,
        "authorisations": current,
        "legal_representatives": [] if current else legal_representatives(user.entity_uscc),
    }
