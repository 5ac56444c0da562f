"""Every write of the credential layer; registers issue through these functions."""

from elicense.services.certificates import (
    cancel_certificate,
    expire_certificate,
    issue_certificate,
    revoke_certificate,
    sign_certificate,
    supersede_certificate,
)
from elicense.services.documents import render_certificate_pdf, request_certificate_pdf
from elicense.services.faces import read_face
from elicense.services.keys import (
    create_signing_key,
    distrust_signing_key,
    retire_signing_key,
    rotate_signing_key,
)
from elicense.services.oidc import (
    create_oidc_client,
    end_oidc_tokens_of_authorisation,
    end_tokens_of_replayed_code,
    grant_oidc_consent,
    record_oidc_logout,
    record_oidc_refusal,
    record_oidc_token_refusal,
    revoke_oidc_client,
    revoke_oidc_consent,
    rotate_oidc_client_secret,
)
from elicense.services.presentations import issue_presentation_code
from elicense.services.relying_parties import (
    accept_access_application,
    apply_for_access,
    reject_relying_party,
    sign_off_guidance,
    sign_off_operations,
)
from elicense.services.verification_log import log_check
from elicense.services.verification_partitions import (
    detach_old_verification_partitions,
    ensure_verification_partitions,
    maintain_verification_partitions,
)

__all__ = [
    "apply_for_access",
    "cancel_certificate",
    "create_oidc_client",
    "create_signing_key",
    "detach_old_verification_partitions",
    "distrust_signing_key",
    "end_oidc_tokens_of_authorisation",
    "end_tokens_of_replayed_code",
    "ensure_verification_partitions",
    "expire_certificate",
    "grant_oidc_consent",
    "issue_certificate",
    "issue_presentation_code",
    "log_check",
    "maintain_verification_partitions",
    "read_face",
    "record_oidc_logout",
    "record_oidc_refusal",
    "record_oidc_token_refusal",
    "reject_relying_party",
    "render_certificate_pdf",
    "request_certificate_pdf",
    "retire_signing_key",
    "revoke_certificate",
    "revoke_oidc_client",
    "revoke_oidc_consent",
    "rotate_oidc_client_secret",
    "rotate_signing_key",
    "sign_certificate",
    "accept_access_application",
    "sign_off_guidance",
    "sign_off_operations",
    "supersede_certificate",
]
