from django.urls import path

from elicense import (
    views,
    views_access,
    views_authorisations,
    views_badges,
    views_login,
    views_signatures,
)

app_name = "elicense"

urlpatterns = [
    path("v/<str:public_id>/", views.holder_page, name="holder_page"),
    path("v/<str:public_id>/frame/", views.holder_frame, name="holder_frame"),
    path("b/<str:public_id>.svg", views_badges.badge_image, name="badge_image"),
    path("b/<str:public_id>/", views_badges.badge_link, name="badge_link"),
    path("elicense/mine/", views.my_certificates, name="my_certificates"),
    path("elicense/presentation-code/", views.presentation_code, name="presentation_code"),
    path("elicense/scan/", views.scan, name="scan"),
    path("elicense/access/apply/", views_access.access_apply, name="access_apply"),
    path("elicense/sign/", views_signatures.document_sign, name="document_sign"),
    path("elicense/keys/", views_signatures.key_list, name="key_list"),
    path("elicense/keys/rotate/", views_signatures.key_rotate, name="key_rotate"),
    path("elicense/signatures/verify/", views_signatures.document_verify, name="document_verify"),
    path(
        "elicense/signatures/<str:public_id>/",
        views_signatures.document_detail,
        name="document_detail",
    ),
    path(
        "elicense/entities/<str:uscc>/keys.json",
        views_signatures.entity_keys,
        name="entity_keys",
    ),
    path("login/scan/new/", views_login.challenge_new, name="scan_login_new"),
    path("login/scan/<str:token>/poll/", views_login.challenge_poll, name="scan_login_poll"),
    path("login/scan/<str:token>/", views_login.challenge_confirm, name="scan_login_confirm"),
    path(
        "elicense/authorisations/",
        views_authorisations.authorisation_list,
        name="authorisation_list",
    ),
    path("elicense/agents/invite/", views_authorisations.agent_invite, name="agent_invite"),
    path(
        "elicense/authorisations/<int:pk>/revoke/",
        views_authorisations.authorisation_revoke,
        name="authorisation_revoke",
    ),
    path(
        "elicense/certificates/<str:public_id>/pdf/", views.certificate_pdf, name="certificate_pdf"
    ),
    path(
        "elicense/certificates/<str:public_id>/print/",
        views.certificate_print,
        name="certificate_print",
    ),
]
