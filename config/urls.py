"""The root URLconf and the composition root: the only module that sees every app."""

from django.contrib import admin
from django.http import HttpResponseNotAllowed
from django.urls import include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from elicense.api import ApiKeyAuth, install_error_handlers
from elicense.api import router as elicense_router
from elicense.api.changes import router as changes_router
from elicense.urls import oauth2_provider_patterns
from elicense.views.certificates import jwks
from elicense.views.keys import sm2_jwks
from licensing.api import licences
from licensing.api import router as licensing_router
from licensing.api.subscriptions import router as subscriptions_router
from portal.health import ReadinessView, healthz
from portal.views.errors import install_api_fault_handlers
from yiyeyizheng.api import router as catalogue_router

api = NinjaAPI(
    title="上海市市场监督管理局电子证照查验接口",
    version="1",
    description="接入单位以 Authorization: Bearer <key> 调用；错误以 {code, message} 返回。",
    auth=ApiKeyAuth(),
    urls_namespace="api_v1",
)
install_api_fault_handlers(api)
install_error_handlers(api)
api.add_router("/", licensing_router)
api.add_router("/", elicense_router)
api.add_router("/", subscriptions_router)  # before /subscriptions/{identifier}
api.add_router("/", changes_router)
api.add_router("/catalogue/", catalogue_router)


def licences_direct(request, uscc: str):
    """``GET /api/v1/licences/{uscc}`` without ninja's per-request glue (ADR 0033): the
    same bearer parsing, the same view and the same error handlers as the ninja operation,
    which still documents it (OpenAPI) — but no operation lookup, parameter model or
    temporary response on the API's hottest path."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"], content=b"Method not allowed")
    try:
        party = api.auth[0](request)
        if not party:
            raise AuthenticationError()
        request.auth = party
        return licences(request, uscc)
    except Exception as error:  # noqa: BLE001 - answered by the API's own handlers, as ninja does
        return api.on_exception(request, error)


handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/licences/<str:uscc>", licences_direct),  # the hot path (ADR 0033)
    path("api/v1/", api.urls),
    path(".well-known/elicense-keys.json", jwks, name="jwks"),
    path(".well-known/elicense-sm2-keys.json", sm2_jwks, name="sm2_jwks"),
    path("", include((oauth2_provider_patterns, "oauth2_provider"))),  # OIDC, ADR 0025
    path("licensing/", include("licensing.urls")),
    path("mingchu/", include("mingchu.urls")),
    path("yiyeyizheng/", include("yiyeyizheng.urls")),
    path("", include("elicense.urls")),
    path("", include("portal.urls")),
]
