"""Rendering and caching the PDF copy of a certificate."""

import os
import tempfile

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from elicense import pdf
from elicense.models import Certificate, CertificateStatus
from portal import outbox
from portal.middleware import public_base_url
from portal.models import OutboxMessage

RENDER_TASK = "elicense.tasks.render_certificate_pdf"


def public_url(certificate: Certificate) -> str:
    return public_base_url() + reverse("elicense:holder_page", args=[certificate.public_id])


def render_certificate_pdf(*, certificate_id: int) -> str:
    """Render a signed certificate's PDF into the cache unless it is already there.

    Idempotent and safe to run twice at once: the file is written to a temporary name and
    renamed into place. Returns the file path. Unsigned certificates have no token to
    print, so they are refused.
    """
    certificate = Certificate.objects.get(pk=certificate_id)
    if not certificate.signature:
        raise ValueError(f"certificate {certificate_id} is not signed yet")
    path = pdf.pdf_path(certificate)
    if path.exists():
        return str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pdf.render_pdf(certificate, public_url=public_url(certificate))
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)
    return str(path)


@transaction.atomic
def request_certificate_pdf(*, certificate: Certificate) -> None:
    """Have the PDF copy rendered by a worker, through the outbox (once while one is pending).

    A broker outage delays the copy instead of failing the page. No audit event: the copy
    changes nothing recorded, and the download itself is what the user did.
    """
    waiting = OutboxMessage.objects.pending().filter(
        task_name=RENDER_TASK, args=[certificate.pk], attempts__lt=settings.OUTBOX_MAX_ATTEMPTS
    )
    if not waiting.exists():
        outbox.enqueue(RENDER_TASK, certificate.pk)


def pdf_ready(certificate: Certificate) -> bool:
    return (
        certificate.status != CertificateStatus.PENDING_SIGNATURE
        and pdf.pdf_path(certificate).exists()
    )
