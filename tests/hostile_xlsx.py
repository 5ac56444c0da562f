"""Spreadsheets an attacker could upload, built with zipfile (nothing big is committed).

Each builder is cached: the big files are made once per test session. ``workbook`` writes a
minimal but complete .xlsx around any worksheet XML, so a test controls every byte of the
sheet (a missing or false ``<dimension>``, malformed XML) while the rest stays valid.
"""

import functools
import io
import struct
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

from licensing.services.bulk import HEADER

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{OOXML}.sharedStrings+xml"/>
</Types>""".encode()
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>""".encode()
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>
<sheet name="清单" sheetId="1" r:id="rId1"/></sheets></workbook>""".encode()
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>""".encode()
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}">'.encode()
MB = 1024 * 1024


def shared_strings(strings) -> bytes:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'.encode()


def workbook(sheet_chunks, strings=HEADER) -> bytes:
    """A .xlsx whose only sheet is ``sheet_chunks`` (bytes, or an iterable of bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/sharedStrings.xml", shared_strings(strings))
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for chunk in [sheet_chunks] if isinstance(sheet_chunks, bytes) else sheet_chunks:
                sheet.write(chunk)
    return buffer.getvalue()


def header_row() -> bytes:
    cells = "".join(f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCD"))
    return f'<row r="1">{cells}</row>'.encode()


def merchant_row(line: int) -> bytes:
    """A bulk-check row of four cells (inline text and a number, without cell references,
    as some generators write them), about 170 bytes."""
    return (
        f'<row r="{line}"><c t="inlineStr"><is><t>9131010{line:011d}</t></is></c>'
        f'<c t="inlineStr"><is><t>商户{line}</t></is></c><c><v>{line}</v></c>'
        f'<c t="inlineStr"><is><t>路{line}号</t></is></c></row>'
    ).encode()


def table(data_rows: int, *, dimension: str | None = None, blank_every: int = 0) -> bytes:
    """Header and ``data_rows`` merchant rows, streamed; optionally a ``<dimension>`` and a
    blank line (no row element) before every ``blank_every``-th row."""

    def chunks():
        yield SHEET_START
        if dimension:
            yield f'<dimension ref="{dimension}"/>'.encode()
        yield b"<sheetData>" + header_row()
        line, batch = 1, []
        for n in range(1, data_rows + 1):
            line += 2 if blank_every and n % blank_every == 0 else 1
            batch.append(merchant_row(line))
            if len(batch) == 10_000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + b"</sheetData></worksheet>"

    return workbook(chunks())


@functools.cache
def rows_without_dimension(data_rows: int = 300_001) -> bytes:
    return table(data_rows)


@functools.cache
def rows_under_false_dimension(data_rows: int = 300_001) -> bytes:
    return table(data_rows, dimension="A1:D2")


@functools.cache
def malformed_xml() -> bytes:
    """A sheet whose XML breaks off inside a row (as a truncated or tampered file does)."""
    return workbook(
        SHEET_START + b"<sheetData>" + header_row() + b'<row r="2"><c r="A2" t="s"><v>0'
    )


@functools.cache
def zip_bomb(unpacked_mb: int = 256) -> bytes:
    """A sheet that declares ``unpacked_mb`` MB of blanks in a few hundred KB of deflate."""
    blanks = b" " * MB
    return workbook(
        [SHEET_START + b"<sheetData>", *([blanks] * unpacked_mb), b"</sheetData></worksheet>"]
    )


@functools.cache
def lying_zip_bomb() -> bytes:
    """The zip bomb with its directory claiming the sheet unpacks to 10 KB: only reading
    can tell, so this shows the read itself is bounded."""
    data = bytearray(zip_bomb())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    entry = archive.start_dir
    for part in archive.infolist():  # in the order of the central directory
        if part.filename == "xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, entry + 24, 10_000)  # uncompressed size
        name, extra, comment = struct.unpack_from("<HHH", data, entry + 28)
        entry += 46 + name + extra + comment
    return bytes(data)


@dataclass
class Cost:
    seconds: float = 0.0
    peak_mb: float = 0.0


@contextmanager
def measured():
    """Wall time and peak Python memory (tracemalloc) of the block."""
    cost = Cost()
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.peak_mb = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
