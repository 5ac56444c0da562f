"""PDF copies of certificates (WeasyPrint, Noto CJK fonts from Debian's fonts-noto-cjk).

Each PDF carries the face data, the issuer and key id, and a QR code of the signed compact
token, so a printout verifies offline (signature against the JWKS) and online (live
status). Files are cached per certificate version: a version's face never changes.

Speed (ADR 0024): the PDF builds only the PNG QR it prints, cached per certificate version
(the signature); text is set in "Portal Sans SC", Noto Sans CJK SC cut to the characters of
GB 2312 plus ASCII and CJK punctuation (cut once per checkout from the installed font by
HarfBuzz's subsetter, kept under ``VAR_DIR/fonts``), with the whole Noto Sans CJK SC as the
fallback so that rare name characters (堃, 犇, 㵘) still render; WeasyPrint then subsets a
small font, not a 20 MB collection. All renders share one ``FontConfiguration`` and its
@font-face CSS.
"""

import atexit
import base64
import functools
import hashlib
import io
import logging
import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from elicense import qr
from elicense.models import Certificate
from portal.middleware import public_base_url

logger = logging.getLogger(__name__)

PDF_DIR = "certificates"
FONT_FAMILY = "Portal Sans SC"
FALLBACK_FAMILY = "Noto Sans CJK SC"
#: The font stack every PDF uses: the cut font first, the whole Noto CJK behind it.
FONT_STACK = f'"{FONT_FAMILY}", "{FALLBACK_FAMILY}", sans-serif'
#: Bump when the character set changes (the cached cut fonts are made again).
CHARSET_VERSION = "gb2312-5-harfbuzz"


def pdf_name(certificate: Certificate) -> str:
    """The PDF copy's name in the default storage (the file system or object storage), per
    portal address: its QR code and footer print that address, so a portal served elsewhere
    renders (and keeps) its own copy."""
    site = hashlib.sha256(public_base_url().encode()).hexdigest()[:8]
    return f"{PDF_DIR}/{certificate.public_id}-{site}.pdf"


def pdf_path(certificate: Certificate) -> Path:
    """Where the PDF copy lies when files are on the file system (under MEDIA_ROOT)."""
    return Path(settings.MEDIA_ROOT) / pdf_name(certificate)


@functools.lru_cache(maxsize=1024)
def token_qr_png(signature: str) -> str:
    """The printed copy's QR (PNG, base64) for one certificate version's token."""
    return base64.b64encode(qr.png(signature, box_size=4)).decode()


def printable_context(certificate: Certificate, *, public_url: str, for_pdf=False) -> dict:
    """What the PDF (the PNG QR) and the print view (the SVG QR) show."""
    context = {
        "certificate": certificate,
        "face": certificate.face,
        "public_url": public_url,
        "printed_at": timezone.localtime(),
        "font_stack": FONT_STACK,
    }
    if for_pdf:
        context["token_qr_png"] = token_qr_png(certificate.signature)
    else:
        context["token_qr_svg"] = qr.svg(certificate.signature, title="打印件查验二维码")
    return context


def _characters() -> str:
    """ASCII, Latin-1, general and CJK punctuation, full-width forms and every GB 2312 character."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    chars.update(chr(c) for c in range(0xA0, 0x100))
    chars.update(chr(c) for c in range(0x2000, 0x2070))
    chars.update(chr(c) for c in range(0x3000, 0x3040))
    chars.update(chr(c) for c in range(0xFF00, 0xFFF0))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(chars))


#: Where Debian's fonts-noto-cjk puts the collections.
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
SOURCES = {400: "NotoSansCJK-Regular.ttc", 700: "NotoSansCJK-Bold.ttc"}


def _source(weight: int) -> tuple[str, int]:
    """The installed Noto Sans CJK collection of ``weight`` and the index of its SC font."""
    from fontTools.ttLib import TTCollection

    for folder in FONT_DIRS:
        for path in sorted(Path(folder).rglob(SOURCES[weight])):
            collection = TTCollection(str(path), lazy=True)
            for index, font in enumerate(collection.fonts):
                if font["name"].getDebugName(1) == FALLBACK_FAMILY:
                    return str(path), index
    raise FileNotFoundError(f"{FALLBACK_FAMILY} ({SOURCES[weight]}) is not installed")


def _cut(source: str, index: int, target: Path) -> None:
    """Cut the collection's font to ``_characters`` with HarfBuzz's subsetter (a fifth of
    a second, where fontTools' took ~15 s a weight) and give it the portal's family name."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    wanted = hb.SubsetInput()
    for character in _characters():
        wanted.unicode_set.add(ord(character))
    # Every name record and language; horizontal text only, and no hinting in a PDF.
    wanted.name_id_set.invert()
    wanted.name_lang_id_set.invert()
    wanted.flags = (
        hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NO_LAYOUT_CLOSURE | hb.SubsetFlags.NOTDEF_OUTLINE
    )
    cut = hb.subset(hb.Face(hb.Blob.from_file_path(source), index), wanted)
    if cut is None:
        raise ValueError(f"HarfBuzz could not cut {source}#{index}")
    # Lazily loaded, fontTools rewrites only the name table and copies the rest as cut.
    font = TTFont(io.BytesIO(cut.blob.data), lazy=True)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FONT_FAMILY
        elif record.nameID == 6:
            record.string = FONT_FAMILY.replace(" ", "")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
        font.save(tmp)
    os.chmod(tmp.name, 0o644)  # noqa: S103 - a font, readable by every worker
    os.replace(tmp.name, target)


def cut_fonts() -> dict[int, Path]:
    """The cut fonts by weight, made on first use (a few seconds) and kept on disk."""
    fonts = {}
    for weight in SOURCES:
        source, index = _source(weight)
        stamp = f"{source}:{index}:{os.stat(source).st_mtime_ns}:{CHARSET_VERSION}"
        digest = hashlib.sha256(stamp.encode()).hexdigest()[:12]
        target = Path(settings.VAR_DIR) / "fonts" / f"portal-sans-sc-{weight}-{digest}.otf"
        if not target.exists():
            _cut(source, index, target)
        fonts[weight] = target
    return fonts


_font_lock = threading.Lock()


@functools.cache
def _shared_fonts():
    """One ``FontConfiguration`` and its @font-face stylesheet for every PDF of the process
    (without the cut fonts, when they cannot be made, the PDFs use Noto CJK alone)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    try:
        fonts = cut_fonts()
    except (OSError, ValueError, KeyError) as error:
        logger.warning("PDF fonts not cut (%s): using %s alone", error, FALLBACK_FAMILY)
        return config, []
    faces = "".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
        f'src: url("{path.as_uri()}"); }}'
        for weight, path in fonts.items()
    )
    return config, [CSS(string=faces, font_config=config)]


# Let go of the shared configuration (and its temporary folder) while the interpreter can.
atexit.register(_shared_fonts.cache_clear)


def font_configuration():
    """(FontConfiguration, stylesheets) shared by every PDF render of this process."""
    with _font_lock:
        return _shared_fonts()


def render_pdf(certificate: Certificate, *, public_url: str) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    html = render_to_string(
        "elicense/certificate_pdf.html",
        printable_context(certificate, public_url=public_url, for_pdf=True),
    )
    config, stylesheets = font_configuration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=stylesheets, font_config=config
    )
