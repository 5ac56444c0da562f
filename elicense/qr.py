"""QR codes: SVG for pages, PNG for PDFs (qrcode + Pillow)."""

import io
import re

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str, *, border: int = 2) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def svg(data: str, *, title: str = "") -> str:
    """An inline SVG sized by CSS (class ``qr``), labelled for screen readers."""
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    text = image.to_string(encoding="unicode")
    text = re.sub(r'width="[^"]+" height="[^"]+" ', "", text, count=1)
    return text.replace(
        "<svg ", f'<svg class="qr" role="img" aria-label="{escape(title or "二维码")}" ', 1
    )


def png(data: str, *, box_size: int = 8) -> bytes:
    code = _code(data, border=4)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def version_for(data: str) -> int:
    """The QR version ``data`` needs (smaller reads better from paper and screens)."""
    return _code(data).version
