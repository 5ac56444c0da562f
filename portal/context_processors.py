from portal.hooks import registry


def navigation(request):
    """The navigation items of the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_items": registry.nav_for(user)}
