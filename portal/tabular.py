"""Reading uploaded tables: CSV in UTF-8, UTF-8 with BOM or GB18030, and .xlsx.

Uploads come from strangers (the bulk-check API) and are read in the web process, so nothing
in a file may decide how much work the server does. Bounded before any work: size in bytes,
and for .xlsx the zip's declared unpacked sizes and compression ratios. Bounded while reading:
rows are counted as they come (the sheet's ``<dimension>`` is ignored), so are the columns of
each row and the bytes unpacked from the sheet. Every broken file raises ``ValidationError``
with a Chinese message naming the problem, which callers show as a 422 or a form error.
See docs/decisions/0011-bounded-upload-reading.md.
"""

import csv
import io
import re
import zipfile
import zlib
from string import digits
from xml.etree.ElementTree import ParseError, XMLPullParser, fromstring

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_STYLE,
    ARC_WORKBOOK,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    XLSM,
    XLSX,
    XLTM,
    XLTX,
)

ENCODINGS = ("utf-8-sig", "gb18030")
FORMULA_PREFIXES = ("=", "+", "-", "@")
#: The widest row read; our tables have at most eight columns. Empty cells beyond it are
#: ignored, a filled one is refused rather than dropped.
MAX_COLUMNS = 50
#: The longest physical line of a CSV upload, in characters; real rows are a few hundred.
CSV_MAX_LINE = 64 * 1024
#: Unpacked bytes of all parts of an .xlsx together, as declared and as read from the sheet.
#: A full 100,000-row bulk check written by Excel or openpyxl unpacks to about 35 MB.
XLSX_MAX_UNPACKED = 64 * 1024 * 1024
#: The shared strings are kept in memory for the whole read, so they are held tighter.
XLSX_MAX_SHARED_STRINGS = 24 * 1024 * 1024
#: Manifest, workbook, relations and styles are parsed whole: a few KB in real files.
XLSX_MAX_WHOLE_PART = 4 * 1024 * 1024
#: Nesting of any XML part, and elements inside one row or one shared string.
XML_MAX_DEPTH = 64
XML_MAX_ELEMENTS_PER_ROW = 20 * MAX_COLUMNS
#: Unpacked/packed size of one part: spreadsheets stay under 30, a zip bomb reaches 1,000.
XLSX_MAX_RATIO = 100
#: Parts smaller than this are not held to the ratio: they cannot hurt.
XLSX_RATIO_FLOOR = 1024 * 1024
XLSX_MAX_PARTS = 1000
#: The start of an OLE2 compound file: an old .xls, or an .xlsx saved with a password.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
DATA_TAG, ROW_TAG, C_TAG, V_TAG, IS_TAG, SI_TAG, T_TAG, RUN_TAG = (
    f"{{{SHEET_MAIN_NS}}}{name}" for name in ("sheetData", "row", "c", "v", "is", "si", "t", "r")
)

#: A row's start tag with a namespace prefix (``<x:row r="2">``).
PREFIXED_ROW = re.compile(rb"<[A-Za-z_][\w.-]*:row[\s/>]")

UNREADABLE = "无法读取该 .xlsx 文件"
TOO_MUCH_UNPACKED = (
    f"{UNREADABLE}：解压后内容过大（上限 {XLSX_MAX_UNPACKED // (1024 * 1024)} MB）"
    f"或压缩比异常（上限 {XLSX_MAX_RATIO} 倍），疑似恶意构造的压缩包。"
)
ENCRYPTED = f"{UNREADABLE}：文件设置了打开密码（已加密），请取消密码后重新上传。"
OLD_XLS = f"{UNREADABLE}：这是旧版 Excel 97-2003 (.xls) 文件，请在 Excel 中另存为 .xlsx 后上传。"
NOT_ZIP = f"{UNREADABLE}：文件不是 Excel 工作簿（.xlsx 应为 zip 压缩格式），请确认文件未损坏。"
NOT_WORKBOOK = f"{UNREADABLE}：缺少工作簿内容（文件不完整或不是 Excel 工作簿），请确认文件未损坏。"
NO_SHEET = f"{UNREADABLE}：工作簿中没有工作表。"
BAD_ZIP_DATA = f"{UNREADABLE}：压缩数据已损坏或使用了不支持的压缩方式，请确认文件未损坏。"
BAD_CONTENT = f"{UNREADABLE}：工作簿内容无效，请确认文件未损坏。"

#: What reading a broken zip member raises (bad CRC, truncated or corrupt deflate stream,
#: unsupported compression, a password).
ZIP_DATA_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def decode_text(data: bytes) -> str:
    """Text of an upload in UTF-8 (with or without BOM) or GB18030, else a Chinese error."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("文件编码无法识别：请保存为 UTF-8 或 GB18030（Excel“CSV”格式）。")


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _too_many_rows(max_rows: int) -> ValidationError:
    return ValidationError(f"行数过多：上限 {max_rows} 行。")


def _too_many_columns(line: int) -> ValidationError:
    return ValidationError(f"第 {line} 行列数过多：上限 {MAX_COLUMNS} 列。")


def _too_big(max_bytes: int) -> ValidationError:
    return ValidationError(f"文件过大：上限 {max_bytes // (1024 * 1024)} MB。")


def upload_bytes(upload, *, max_bytes: int) -> bytes:
    """The bytes of an uploaded file, refused by its size before it is read into memory
    (Django spools a large upload to disk, so ``read()`` alone would load all of it)."""
    if upload.size is not None and upload.size > max_bytes:
        raise _too_big(max_bytes)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return data


def read_table(name: str, data: bytes, *, max_rows: int, max_bytes: int):
    """(header, rows) of a CSV or .xlsx upload, refusing oversized files up front."""
    header, numbered = read_numbered_table(name, data, max_rows=max_rows, max_bytes=max_bytes)
    return header, [row for _, row in numbered]


def read_numbered_table(name: str, data: bytes, *, max_rows: int, max_bytes: int):
    """(header, [(line, row)]): as ``read_table``, each non-blank row with its line in the
    file as the user sees it (the spreadsheet's row number, the header being line 1), so
    errors can name it even when blank rows were left out.

    ``max_rows`` bounds the lines after the header, blank or not; reading stops at the
    first line past it, whatever the file claims about its size.
    """
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    if not data:
        raise ValidationError("文件为空。")
    if name.lower().endswith(".xlsx"):
        lines = _xlsx_lines(data, max_rows)
    elif name.lower().endswith(".csv"):
        lines = _csv_lines(data, max_rows)
    else:
        raise ValidationError("只接受 .csv 或 .xlsx 文件。")
    header, rows = None, []
    for line, row in lines:
        if line - 1 > max_rows:
            lines.close()
            raise _too_many_rows(max_rows)
        if line == 1:
            header = row
        elif any(row):
            rows.append((line, row))
    if header is None and not rows:
        raise ValidationError("文件为空。")
    return header or [], rows


def _csv_lines(data: bytes, max_rows: int):
    """(line, cells) of every CSV record; the line count is checked before parsing."""
    if data.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        raise ValidationError("文件内容是 Excel 工作簿而不是 CSV 文本：请以 .xlsx 扩展名上传。")
    text = decode_text(data)
    if text.count("\n") - 1 > max_rows:
        raise _too_many_rows(max_rows)
    reader = csv.reader(_physical_lines(text))
    try:
        for line, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS and any(v.strip() for v in record[MAX_COLUMNS:]):
                raise _too_many_columns(line)
            yield line, [_cell(v) for v in record[:MAX_COLUMNS]]
    except csv.Error as error:
        raise ValidationError(
            f"无法读取该 CSV 文件：第 {reader.line_num} 行格式错误（{error}）。"
        ) from error


def _physical_lines(text: str):
    """The text's lines, each ending after its "\\n" as ``StringIO`` gives them, without
    copying the text into a buffer four bytes a character; a line too long is refused
    before ``csv`` splits it into fields (a line of commas would be a list of millions)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        if end - start > CSV_MAX_LINE:
            number = text.count("\n", 0, start) + 1
            raise ValidationError(
                f"无法读取该 CSV 文件：第 {number} 行过长（上限 {CSV_MAX_LINE} 个字符）。"
            )
        yield text[start:end]
        start = end


def _xlsx_lines(data: bytes, max_rows: int):
    """(row number, cells) of each row present in the workbook's active sheet, in order.

    A sheet with more row elements than allowed is refused by a byte scan before any cell
    is parsed: parsing is the slow part, and an oversized upload should cost little.
    """
    archive = _checked_archive(data)
    try:
        sheet_path, shared_path, epoch = _workbook_parts(archive)
        if _more_rows_than(archive, sheet_path, max_rows + 1):
            raise _too_many_rows(max_rows)
        styles = _number_styles(archive)
        shared = _shared_strings(archive, shared_path) if shared_path else []
        with archive.open(sheet_path) as raw:
            stream = _BoundedStream(raw, XLSX_MAX_UNPACKED)
            yield from _sheet_rows(stream, _CellReader(shared, styles, epoch))
    except KeyError as error:
        raise ValidationError(NOT_WORKBOOK) from error
    except ParseError as error:
        raise ValidationError(
            f"{UNREADABLE}：XML 格式错误（第 {error.position[0]} 行），文件可能已损坏。"
        ) from error
    except ZIP_DATA_ERRORS as error:
        raise ValidationError(BAD_ZIP_DATA) from error
    except (LookupError, ValueError, TypeError, AttributeError, OverflowError) as error:
        raise ValidationError(BAD_CONTENT) from error


def _more_rows_than(archive: zipfile.ZipFile, path: str, limit: int) -> bool:
    """Whether the sheet holds more than ``limit`` row elements: a scan of its unpacked
    bytes (bounded like every read) that stops as soon as the answer is yes."""
    count, carry = 0, b""
    with archive.open(path) as raw:
        stream = _BoundedStream(raw, XLSX_MAX_UNPACKED)
        while chunk := stream.read(1024 * 1024):
            text = carry + chunk
            # A tag cut by the chunk's end starts at its last "<": count it with the next.
            cut = text.rfind(b"<")
            text, carry = (text, b"") if cut < 0 else (text[:cut], text[cut:])
            count += _row_tags(text)
            if count > limit:
                return True
    return count + _row_tags(carry) > limit


def _row_tags(text: bytes) -> int:
    count = text.count(b"<row") - text.count(b"<rowBreaks")
    if b":row" in text:  # rows written with a namespace prefix, as some generators do
        count += len(PREFIXED_ROW.findall(text))
    return count


def _read_part(archive: zipfile.ZipFile, name: str):
    """A small part (manifest, workbook, relations, styles) parsed whole."""
    if archive.getinfo(name).file_size > XLSX_MAX_WHOLE_PART:
        raise ValidationError(TOO_MUCH_UNPACKED)
    # expat (>= 2.4) bounds entity amplification and ElementTree fetches no external entity.
    return fromstring(archive.read(name))  # noqa: S314


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[str, str | None, object]:
    """The active worksheet's part (else the first worksheet's), the shared strings' part,
    and the workbook's date epoch, from the manifest, the workbook and its relations."""
    manifest = Manifest.from_tree(_read_part(archive, ARC_CONTENT_TYPES))
    book_part = next(filter(None, map(manifest.find, (XLSX, XLSM, XLTX, XLTM))), None)
    book_path = book_part.PartName[1:] if book_part is not None else ARC_WORKBOOK
    book = WorkbookPackage.from_tree(_read_part(archive, book_path))
    rels_path = get_rels_path(book_path)
    if archive.getinfo(rels_path).file_size > XLSX_MAX_WHOLE_PART:
        raise ValidationError(TOO_MUCH_UNPACKED)
    rels = get_dependents(archive, rels_path).to_dict()
    targets = [rels[sheet.id] for sheet in book.sheets if sheet.id in rels]
    worksheets = [rel.target for rel in targets if rel.Type == WORKSHEET_REL]
    if not worksheets:
        raise ValidationError(NO_SHEET)
    active = book.active
    chosen = targets[active] if 0 <= active < len(targets) else None
    sheet_path = chosen.target if chosen and chosen.Type == WORKSHEET_REL else worksheets[0]
    shared_part = manifest.find(SHARED_STRINGS)
    shared_path = shared_part.PartName[1:] if shared_part is not None else None
    epoch = CALENDAR_MAC_1904 if book.properties.date1904 else WINDOWS_EPOCH
    return sheet_path, shared_path, epoch


def _number_styles(archive: zipfile.ZipFile) -> tuple[set, set]:
    """The style ids whose number format shows a date, and those showing a duration."""
    try:
        root = _read_part(archive, ARC_STYLE)
    except KeyError:
        return set(), set()
    sheet = Stylesheet.from_tree(root)
    return sheet.date_formats, sheet.timedelta_formats


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    if archive.getinfo(path).file_size > XLSX_MAX_SHARED_STRINGS:
        raise ValidationError(TOO_MUCH_UNPACKED)
    with archive.open(path) as raw:
        stream = _BoundedStream(raw, XLSX_MAX_SHARED_STRINGS)
        return [_text(item).replace("x005F_", "") for item in _elements(stream, SI_TAG)]


def _elements(stream, tag: str, until: str | None = None):
    """Each ``tag`` element of an XML stream once it is complete, holding nothing else,
    up to the end of the first ``until`` element (nothing after it is parsed).

    Every other element is dropped from its parent when it ends, so memory stays flat
    whatever the document's length; nesting and the size of one ``tag`` element are bounded.
    """
    stack, kept, inner = [], None, 0
    for event, element in _events(stream):
        if event == "start":
            if kept is not None:
                inner += 1
                if inner > XML_MAX_ELEMENTS_PER_ROW:
                    raise ValidationError(f"{UNREADABLE}：单行（或单个文本）内容过多。")
                continue
            stack.append(element)
            if len(stack) > XML_MAX_DEPTH:
                raise ValidationError(BAD_CONTENT)
            if element.tag == tag:
                kept, inner = element, 0
            continue
        if kept is not None:
            if element is not kept:
                continue
            kept = None
            yield element
        elif element.tag == until:
            return
        stack.pop()
        if stack:
            stack[-1].remove(element)


def _events(stream):
    """(event, element) pairs of an XML stream; what ``iterparse`` does, one layer less."""
    parser = XMLPullParser(events=("start", "end"))  # noqa: S314
    while chunk := stream.read(64 * 1024):
        parser.feed(chunk)
        yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _text(node) -> str:
    """The text of a string item: its plain text and its rich-text runs, not phonetics."""
    runs = []
    for child in node:
        if child.tag == T_TAG:
            runs.append(child.text or "")
        elif child.tag == RUN_TAG:
            runs.extend(t.text or "" for t in child if t.tag == T_TAG)
    return "".join(runs)


def _sheet_rows(stream, cells: "_CellReader"):
    previous = 0
    for element in _elements(stream, ROW_TAG, until=DATA_TAG):
        number = element.get("r")
        line = int(float(number)) if number else previous + 1
        if line <= previous:
            raise ValidationError(f"{UNREADABLE}：第 {line} 行重复或顺序颠倒。")
        previous = line
        yield line, cells.row(line, element)


class _CellReader:
    """Cell values as openpyxl gives them with ``data_only``: cached results of formulas,
    numbers as int or float, dates where the cell's style shows a date."""

    def __init__(self, shared: list[str], styles: tuple[set, set], epoch):
        self.shared, (self.dates, self.durations), self.epoch = shared, styles, epoch

    def row(self, line: int, element) -> list[str]:
        filled, column = {}, 0
        for cell in element:
            if cell.tag != C_TAG:
                continue
            reference = cell.get("r")
            column = column_index_from_string(reference.rstrip(digits)) if reference else column + 1
            text = _cell(self.value(cell))
            if text:
                filled[column] = text
        if not filled:
            return []
        width = max(filled)
        if width > MAX_COLUMNS:
            raise _too_many_columns(line)
        row = [""] * width
        for column, text in filled.items():
            row[column - 1] = text
        return row

    def value(self, cell):
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            node = cell.find(IS_TAG)
            return None if node is None else _text(node)
        value = cell.findtext(V_TAG) or None
        if value is None:
            return None
        if kind == "n":
            number = float(value) if any(c in value for c in ".eE") else int(value)
            style = int(cell.get("s") or 0)
            if style not in self.dates:
                return number
            try:
                return from_excel(number, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date out of range, shown as openpyxl shows it
        if kind == "s":
            return self.shared[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value


class _BoundedStream:
    """A file-like reader that refuses to hand out more than ``limit`` bytes in all."""

    def __init__(self, stream, limit: int):
        self._stream, self._left = stream, limit

    def read(self, size: int = -1) -> bytes:
        wanted = self._left + 1 if size < 0 else min(size, self._left + 1)
        chunk = self._stream.read(wanted)
        self._left -= len(chunk)
        if self._left < 0:
            raise ValidationError(TOO_MUCH_UNPACKED)
        return chunk


def _checked_archive(data: bytes) -> zipfile.ZipFile:
    """The upload as a zip, once its directory shows nothing that would cost too much.

    Python's zipfile never unpacks more of a part than its declared size (it stops and
    fails the CRC), so the declared sizes checked here bound what any later step reads.
    """
    if data.startswith(OLE2_MAGIC):
        encrypted = "EncryptedPackage".encode("utf-16-le") in data
        raise ValidationError(ENCRYPTED if encrypted else OLD_XLS)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        # NotImplementedError: a damaged directory can claim a zip version or feature that
        # zipfile does not implement ("zip file version 6.4"), found by the hostile-file test.
        raise ValidationError(NOT_ZIP) from error
    if len(parts) > XLSX_MAX_PARTS or sum(p.file_size for p in parts) > XLSX_MAX_UNPACKED:
        raise ValidationError(TOO_MUCH_UNPACKED)
    for part in parts:
        if part.flag_bits & 0x1:
            raise ValidationError(ENCRYPTED)
        if part.file_size > max(XLSX_RATIO_FLOOR, XLSX_MAX_RATIO * part.compress_size):
            raise ValidationError(TOO_MUCH_UNPACKED)
    return archive


def require_header(header: list[str], expected: tuple[str, ...]) -> None:
    if tuple(h.strip() for h in header[: len(expected)]) != expected:
        raise ValidationError(
            f"表头不符：应为“{'、'.join(expected)}”，实际为“{'、'.join(header) or '（空）'}”。"
        )


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in cells we write back (CSV/xlsx injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_xlsx(header, rows) -> bytes:
    """An .xlsx with every cell escaped and stored as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("结果")
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
