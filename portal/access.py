"""Role gates shared by the apps' views: out of role answers 404, like out of scope."""

from django.http import Http404

from portal.models import Role


def require_enterprise(request):
    """The signed-in enterprise user bound to an entity, or 404."""
    user = request.user
    if user.role != Role.ENTERPRISE or not user.entity_uscc:
        raise Http404
    return user
