from django.urls import path
from oauth2_provider import views as oauth2_views

from elicense.views import (
    authorisations,
    badges,
    certificates,
    faces,
    login,
    oidc,
    relying_parties,
    signatures,
)

app_name = "elicense"

urlpatterns = [
    path("v/<str:public_id>/", certificates.holder_page, name="holder_page"),
    path("v/<str:public_id>/frame/", certificates.holder_frame, name="holder_frame"),
    path("b/<str:public_id>.svg", badges.badge_image, name="badge_image"),
    path("b/<str:public_id>/", badges.badge_link, name="badge_link"),
    path("elicense/mine/", certificates.my_certificates, name="my_certificates"),
    path("elicense/presentation-code/", certificates.presentation_code, name="presentation_code"),
    path("elicense/scan/", certificates.scan, name="scan"),
    path("elicense/access/apply/", relying_parties.access_apply, name="access_apply"),
    path("elicense/access/", relying_parties.access_list, name="access_list"),
    path("elicense/access/<int:pk>/", relying_parties.access_detail, name="access_detail"),
    path("elicense/access/<int:pk>/scan/", relying_parties.access_scan, name="access_scan"),
    path("elicense/face/", faces.face_read, name="face_read"),
    path("elicense/sign/", signatures.document_sign, name="document_sign"),
    path("elicense/keys/", signatures.key_list, name="key_list"),
    path("elicense/keys/rotate/", signatures.key_rotate, name="key_rotate"),
    path("elicense/signatures/verify/", signatures.document_verify, name="document_verify"),
    path(
        "elicense/signatures/<str:public_id>/",
        signatures.document_detail,
        name="document_detail",
    ),
    path(
        "elicense/entities/<str:uscc>/keys.json",
        signatures.entity_keys,
        name="entity_keys",
    ),
    path("login/scan/new/", login.challenge_new, name="scan_login_new"),
    path("login/scan/<str:token>/poll/", login.challenge_poll, name="scan_login_poll"),
    path("login/scan/<str:token>/", login.challenge_confirm, name="scan_login_confirm"),
    path(
        "elicense/authorisations/",
        authorisations.authorisation_list,
        name="authorisation_list",
    ),
    path("elicense/agents/invite/", authorisations.agent_invite, name="agent_invite"),
    path(
        "elicense/authorisations/<int:pk>/revoke/",
        authorisations.authorisation_revoke,
        name="authorisation_revoke",
    ),
    path(
        "elicense/sign-in-consents/<int:pk>/revoke/",
        oidc.consent_revoke,
        name="oidc_consent_revoke",
    ),
    path(
        "elicense/certificates/<str:public_id>/pdf/",
        certificates.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "elicense/certificates/<str:public_id>/print/",
        certificates.certificate_print,
        name="certificate_print",
    ),
]

#: The OpenID Connect provider (ADR 0025), mounted by config/urls.py under the namespace
#: ``oauth2_provider``: django-oauth-toolkit reverses these names itself. The issuer is the
#: site root, so discovery is /.well-known/openid-configuration.
oauth2_provider_patterns = [
    path("oidc/authorize/", oidc.PortalAuthorizationView.as_view(), name="authorize"),
    path("oidc/token/", oidc.PortalTokenView.as_view(), name="token"),
    path("oidc/revoke/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("oidc/introspect/", oauth2_views.IntrospectTokenView.as_view(), name="introspect"),
    path("oidc/userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
    path("oidc/logout/", oidc.PortalLogoutView.as_view(), name="rp-initiated-logout"),
    path("oidc/jwks.json", oidc.jwks, name="jwks-info"),
    path(
        ".well-known/openid-configuration",
        oidc.PortalDiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
]
