from portal.hooks import registry
from portal.views.display import elder_mode_on


def navigation(request):
    """The navigation items of the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_items": registry.nav_for(user)}


def display_mode(request):
    """Whether this browser asked for 长辈模式 (``base.html`` then styles every page for it)."""
    return {"elder_mode": elder_mode_on(request)}
