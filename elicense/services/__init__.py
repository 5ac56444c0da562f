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
from elicense.services.keys import (
    create_signing_key,
    distrust_signing_key,
    retire_signing_key,
    rotate_signing_key,
)
from elicense.services.presentations import issue_presentation_code
from elicense.services.verification_log import log_check
from elicense.services.verification_partitions import (
    detach_old_verification_partitions,
    ensure_verification_partitions,
    maintain_verification_partitions,
)

__all__ = [
    "cancel_certificate",
    "create_signing_key",
    "detach_old_verification_partitions",
    "distrust_signing_key",
    "ensure_verification_partitions",
    "expire_certificate",
    "issue_certificate",
    "issue_presentation_code",
    "log_check",
    "maintain_verification_partitions",
    "render_certificate_pdf",
    "request_certificate_pdf",
    "retire_signing_key",
    "revoke_certificate",
    "rotate_signing_key",
    "sign_certificate",
    "supersede_certificate",
]
