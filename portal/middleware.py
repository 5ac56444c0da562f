"""Portal middleware: client address for the audit trail, the CSP header, the bearer-key
API's Content-Length, database outages answered 503, and the staff idle timeout."""

import contextvars
import datetime
import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.utils import timezone

from portal.audit import current_client_address
from portal.permissions import is_bureau_staff
from portal.queries.replica import PIN_COOKIE, has_replica
from portal.views.errors import DATABASE_UNAVAILABLE, database_unavailable


def client_address(request) -> str | None:
    """The client's address: the one rule for the audit trail, login throttling and budgets.

    Behind ``PROXY_COUNT`` trusted proxies, each appending the address it saw to
    X-Forwarded-For, the client is the PROXY_COUNT-th hop from the right; hops further left
    are whatever the client sent and are never trusted. Django-axes asks this function too
    (``AXES_CLIENT_IP_CALLABLE``). A request with fewer hops than proxies, or a hop that is
    not an IP address, falls back to REMOTE_ADDR.
    """
    proxies = settings.PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


class ClientAddressMiddleware:
    """Make the request's client address available to ``portal.audit.record_event``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_client_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_client_address.reset(token)


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` when it is set (outside DEBUG)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class ContentLengthMiddleware:
    """Give every whole (not streamed) answer its ``Content-Length``, as ``CommonMiddleware``
    does for the pages: without one, an HTTP/1.1 answer goes out chunked, one more write
    for the server and a chunk parser for each of the bearer-key API's clients."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.streaming and "Content-Length" not in response:
            response["Content-Length"] = str(len(response.content))
        return response


class DatabaseUnavailableMiddleware:
    """Answer a view's database connection error with 503 and Retry-After, not a 500.

    The broken connection is closed at the end of the request (Django does so for a
    connection that saw an error) and the next request opens a new one, so the portal
    recovers by itself when the database is back. Errors raised in other middleware reach
    ``portal.views.errors.server_error`` (handler500), which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


#: A signed cookie with the time of the staff member's last request, bound to the session.
LAST_SEEN_COOKIE = "portal_seen"
#: Seconds between two refreshes of that cookie (not one Set-Cookie per request).
LAST_SEEN_RESOLUTION = 60


class StaffIdleTimeoutMiddleware:
    """Fix each session's end at sign-in; sign staff out after ``STAFF_IDLE_MINUTES`` idle.

    The request that signs in sets an absolute expiry (``SESSION_COOKIE_AGE`` from then),
    so activity never extends a session. Staff (every role but enterprise users) are also
    signed out when no request came for ``STAFF_IDLE_MINUTES`` and sent to the login page
    with a message. The last request's time travels in a cookie signed with the session
    key (refreshed at most once a minute), so tracking it costs no database write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in_before = request.user.is_authenticated
        now = time.time()
        last_seen = self._last_seen(request) if is_bureau_staff(request.user) else None
        if last_seen is not None and now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                f"您已超过{settings.STAFF_IDLE_MINUTES}分钟未操作，"
                "为保护账户安全已自动退出，请重新登录。",
            )
            response = redirect_to_login(request.get_full_path())
            response.delete_cookie(LAST_SEEN_COOKIE)
            return response
        response = self.get_response(request)
        if request.user.is_authenticated and not signed_in_before:  # signed in just now
            request.session.set_expiry(
                timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
            )
            last_seen = None
        if is_bureau_staff(request.user) and (
            last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION
        ):
            response.set_signed_cookie(
                LAST_SEEN_COOKIE,
                str(now),
                salt=request.session.session_key or "",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _last_seen(request) -> float | None:
        value = request.get_signed_cookie(
            LAST_SEEN_COOKIE, default=None, salt=request.session.session_key or ""
        )
        return float(value) if value is not None else None


#: The address the current request reached the portal at ("http://host:port"), if any.
_request_base_url: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_base_url", default=""
)
#: Where the last request's address is kept for work done outside a request (a worker's PDF).
SERVED_AT_CACHE_KEY = "portal:served-at"
#: The last resort, when no request has been served yet and nothing is configured.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def public_base_url() -> str:
    """The portal's public address for QR codes, PDFs, e-mails and API links (no trailing /).

    ``PUBLIC_BASE_URL`` when set (production must set it: ``check --deploy`` says so);
    otherwise the address the portal is being served at: the current request's, or, outside
    a request (a Celery worker rendering a PDF), the one the last request came in on, so a
    development server on any port prints QR codes that point back to itself.
    """
    configured = settings.PUBLIC_BASE_URL.strip().rstrip("/")
    if configured:
        return configured
    served = _request_base_url.get() or cache.get(SERVED_AT_CACHE_KEY, "")
    return served or DEFAULT_BASE_URL


class PublicBaseUrlMiddleware:
    """Remember the address each request came in on (``public_base_url``) while
    ``PUBLIC_BASE_URL`` is unset; a validated host only (ALLOWED_HOSTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PUBLIC_BASE_URL.strip():
            return self.get_response(request)
        base = f"{request.scheme}://{request.get_host()}"
        token = _request_base_url.set(base)
        try:
            if cache.get(SERVED_AT_CACHE_KEY) != base:
                cache.set(SERVED_AT_CACHE_KEY, base, None)
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)


class ReplicaPinMiddleware:
    """After a request that may have written (any method but GET, HEAD, OPTIONS), this
    browser reads from the primary for REPLICA_PIN_SECONDS (portal.queries.replica)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in {"GET", "HEAD", "OPTIONS"} and has_replica():
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True, secure=request.is_secure(), samesite="Lax",
            )  # fmt: skip
        return response
