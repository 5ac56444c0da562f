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
from elicense.services.keys import create_signing_key, retire_signing_key, rotate_signing_key
from elicense.services.presentations import issue_presentation_code
from elicense.services.relying_parties import (
    apply_for_access,
    reject_relying_party,
    sign_off_guidance,
    sign_off_operations,
)

__all__ = [
    "cancel_certificate",
    "create_signing_key",
    "expire_certificate",
    "issue_certificate",
    "apply_for_access",
    "issue_presentation_code",
    "read_face",
    "reject_relying_party",
    "render_certificate_pdf",
    "request_certificate_pdf",
    "retire_signing_key",
    "revoke_certificate",
    "rotate_signing_key",
    "sign_certificate",
    "sign_off_guidance",
    "sign_off_operations",
    "supersede_certificate",
]
