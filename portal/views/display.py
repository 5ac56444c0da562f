"""Display preferences of one browser: 长辈模式 (large text, high contrast)."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

#: The cookie that remembers 长辈模式 in this browser, for anyone, signed in or not.
ELDER_COOKIE = "portal_elder"
ELDER_COOKIE_AGE = 365 * 24 * 3600


def elder_mode_on(request) -> bool:
    return request.COOKIES.get(ELDER_COOKIE) == "1"


@require_POST
def elder_mode(request):
    """Switch 长辈模式 on or off for this browser (a cookie, no account change) and go back
    to the page the switch was pressed on."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.POST.get("on") == "1":
        response.set_cookie(
            ELDER_COOKIE,
            "1",
            max_age=ELDER_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response
