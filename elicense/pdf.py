"""PDF copies of certificates (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk).

Each PDF carries the face data, the issuer and key id, and a QR code of the signed compact
token, so a printout verifies offline (signature against the JWKS) and online (live
status). Files are cached per certificate version: a version's face never changes.
"""

import base64
import hashlib
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from elicense import qr
from elicense.models import Certificate
from portal.middleware import public_base_url

PDF_DIR = "certificates"


def pdf_path(certificate: Certificate) -> Path:
    """The cached PDF of the certificate for the portal's current address: its QR code and
    footer print that address, so a portal served elsewhere renders (and caches) its own."""
    site = hashlib.sha256(public_base_url().encode()).hexdigest()[:8]
    return Path(settings.MEDIA_ROOT) / PDF_DIR / f"{certificate.public_id}-{site}.pdf"


def printable_context(certificate: Certificate, *, public_url: str) -> dict:
    """What the PDF and the print view show."""
    return {
        "certificate": certificate,
        "face": certificate.face,
        "public_url": public_url,
        "token_qr_png": base64.b64encode(qr.png(certificate.signature, box_size=4)).decode(),
        "token_qr_svg": qr.svg(certificate.signature, title="打印件查验二维码"),
        "printed_at": timezone.localtime(),
    }


def render_pdf(certificate: Certificate, *, public_url: str) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    html = render_to_string(
        "elicense/certificate_pdf.html", printable_context(certificate, public_url=public_url)
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
