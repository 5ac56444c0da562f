"""Role gates shared by the apps' views: out of role answers 404, like out of scope."""

from django.http import Http404

from portal.permissions import is_enterprise_user


def require_enterprise(request):
    """The signed-in enterprise user bound to an entity, or 404."""
    user = request.user
    if not is_enterprise_user(user):
        raise Http404
    return user
