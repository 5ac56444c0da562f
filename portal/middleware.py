"""Portal middleware: client address for the audit trail, and the CSP header."""

import ipaddress

from django.conf import settings

from portal.audit import current_client_address


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
