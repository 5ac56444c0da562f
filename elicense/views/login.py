"""Scan-to-login pages: the waiting browser's QR and poll, the phone's confirmation."""

import re
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from elicense import qr
from elicense.services import login as scan_login
from portal.middleware import public_base_url

BACKEND = "django.contrib.auth.backends.ModelBackend"


#: The waiting browser's key for its challenges, in a cookie of its own. The login page's
#: panel asks and polls while the person may be signing in with the password: an answer
#: that comes after the login must not touch the session cookie (with the session's own
#: key, it put back an anonymous session, or deleted the cookie, over the signed-in one).
BROWSER_COOKIE = "scan_login_browser"
_BROWSER_KEY = re.compile(r"[A-Za-z0-9_-]{43}")


def _browser_key(request) -> tuple[str, bool]:
    """This browser's key, and whether it is new (the answer must then set the cookie)."""
    key = request.COOKIES.get(BROWSER_COOKIE, "")
    if _BROWSER_KEY.fullmatch(key):
        return key, False
    return secrets.token_urlsafe(32), True


def _answer(body: dict, key: str, new: bool) -> JsonResponse:
    response = JsonResponse(body)
    if new:
        response.set_cookie(
            BROWSER_COOKIE, key, max_age=settings.SESSION_COOKIE_AGE, httponly=True,
            secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
        )  # fmt: skip
    return response


def _next_page(request) -> str:
    """Where the signed-in browser goes: the login page's ``next`` when it is this site's
    (a connected system's sign-in, ADR 0025), else the home page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


@require_POST
def challenge_new(request):
    """A fresh challenge bound to this browser, with its QR."""
    key, new = _browser_key(request)
    token, challenge = scan_login.create_login_challenge(
        browser_key=key, user_agent=request.headers.get("User-Agent", "")
    )
    confirm_url = public_base_url() + reverse("elicense:scan_login_confirm", args=[token])
    body = {
        "token": token,
        "qr": qr.svg(confirm_url, title="扫码登录二维码"),
        "confirm_url": confirm_url,
        "expires_in": scan_login.CHALLENGE_SECONDS,
        "poll_url": reverse("elicense:scan_login_poll", args=[token]),
    }
    return _answer(body, key, new)


@require_POST
def challenge_poll(request, token):
    """The waiting browser asks; once the phone confirmed, this browser is signed in."""
    key, new = _browser_key(request)
    state = scan_login.challenge_state(token=token, browser_key=key)
    if state == "confirmed":
        user = scan_login.consume_login_challenge(token=token, browser_key=key)
        if user is not None:
            login(request, user, backend=BACKEND)
            return _answer({"status": "signed_in", "redirect": _next_page(request)}, key, new)
        state = "invalid"
    return _answer({"status": state}, key, new)


@login_required
@require_http_methods(["GET", "POST"])
def challenge_confirm(request, token):
    """On the phone: which site and which browser asks; confirm or refuse."""
    challenge = scan_login.find_challenge(token)
    if challenge is None:
        raise Http404("登录二维码无效。")
    if request.method == "POST":
        try:
            scan_login.decide_login_challenge(
                acting_user=request.user, token=token, approve="approve" in request.POST
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, "已确认，电脑端将自动登录。" if "approve" in request.POST else "已拒绝。"
            )
        return redirect("elicense:scan_login_confirm", token=token)
    return render(
        request,
        "elicense/login_confirm.html",
        {"challenge": challenge, "site": request.get_host(), "token": token},
    )
