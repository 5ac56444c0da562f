"""Portal middleware: client address for the audit trail, and the CSP header."""

from django.conf import settings

from portal.audit import current_client_address


def client_address(request) -> str | None:
    """The client's address; behind ``PROXY_COUNT`` trusted proxies, from X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
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
