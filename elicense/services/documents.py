"""Rendering and caching the PDF copy of a certificate."""

import functools
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.urls import get_script_prefix, get_urlconf, reverse

from elicense import pdf
from elicense.models import Certificate, CertificateStatus
from portal import outbox
from portal.middleware import public_base_url
from portal.models import OutboxMessage

RENDER_TASK = "elicense.tasks.render_certificate_pdf"


def public_url(certificate: Certificate) -> str:
    return public_base_url() + reverse("elicense:holder_page", args=[certificate.public_id])


def holder_page_url() -> str:
    """``public_url`` as a template with ``{public_id}``. The path is reversed once per
    URLconf and script prefix (~60 µs a ``reverse``, on every API answer otherwise)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return public_base_url() + _holder_path(get_script_prefix(), urlconf)


@functools.lru_cache(maxsize=16)
def _holder_path(script_prefix: str, urlconf: str) -> str:
    marker = "PUBLICIDMARKER"
    path = reverse("elicense:holder_page", args=[marker], urlconf=urlconf)
    return path.replace(marker, "{public_id}")


def render_certificate_pdf(*, certificate_id: int) -> str:
    """Render a signed certificate's PDF into the default storage unless it is there.

    Idempotent and safe to run twice at once: on the file system the file is written to a
    temporary name and renamed into place; in object storage it is one PUT, so the object
    appears whole (ADR 0026). Returns where it is: its path on the file system, else its
    name in the store. Unsigned certificates have no token to print, so they are refused.
    """
    certificate = Certificate.objects.get(pk=certificate_id)
    if not certificate.signature:
        raise ValueError(f"certificate {certificate_id} is not signed yet")
    storage, name = default_storage, pdf.pdf_name(certificate)
    on_disk = isinstance(storage, FileSystemStorage)
    if storage.exists(name):
        return storage.path(name) if on_disk else name
    data = pdf.render_pdf(certificate, public_url=public_url(certificate))
    if not on_disk:
        storage.save(name, ContentFile(data))
        return name
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
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
    return certificate.status != CertificateStatus.PENDING_SIGNATURE and default_storage.exists(
        pdf.pdf_name(certificate)
    )


def read_certificate_pdf(certificate: Certificate) -> bytes:
    """The rendered PDF copy's bytes (``pdf_ready`` first): the same copy the holder prints,
    for filing with a case (执照存档)."""
    with default_storage.open(pdf.pdf_name(certificate), "rb") as handle:
        return handle.read()
