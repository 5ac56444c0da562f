"""The root URLconf and the composition root: the only module that sees every app."""

from django.contrib import admin
from django.urls import include, path
from ninja import NinjaAPI

from elicense.api import ApiKeyAuth, install_error_handlers
from elicense.api import router as elicense_router
from elicense.api.changes import router as changes_router
from elicense.urls import oauth2_provider_patterns
from elicense.views.certificates import jwks
from elicense.views.keys import sm2_jwks
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

handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("admin/", admin.site.urls),
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
