"""Reading uploaded tables: CSV in UTF-8, UTF-8 with BOM or GB18030, and .xlsx.

Bounded before any work: size in bytes and number of rows. Returns the header and the
rows as lists of stripped strings; raises ``ValidationError`` with a Chinese message.
"""

import csv
import io
import zipfile

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

ENCODINGS = ("utf-8-sig", "gb18030")
FORMULA_PREFIXES = ("=", "+", "-", "@")


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


def read_table(name: str, data: bytes, *, max_rows: int, max_bytes: int):
    """(header, rows) of a CSV or .xlsx upload, refusing oversized files up front."""
    header, numbered = read_numbered_table(name, data, max_rows=max_rows, max_bytes=max_bytes)
    return header, [row for _, row in numbered]


def read_numbered_table(name: str, data: bytes, *, max_rows: int, max_bytes: int):
    """(header, [(line, row)]): as ``read_table``, each non-blank row with its line in the
    file as the user sees it (the spreadsheet's row number, the header being line 1), so
    errors can name it even when blank rows were left out."""
    if len(data) > max_bytes:
        raise ValidationError(f"文件过大：上限 {max_bytes // (1024 * 1024)} MB。")
    if not data:
        raise ValidationError("文件为空。")
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ValidationError("无法读取该 .xlsx 文件，请确认文件未损坏。") from error
        if (sheet.max_row or 0) - 1 > max_rows:
            raise ValidationError(f"行数过多：上限 {max_rows} 行。")
        lines = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
    elif name.lower().endswith(".csv"):
        text = decode_text(data)
        if text.count("\n") - 1 > max_rows:
            raise ValidationError(f"行数过多：上限 {max_rows} 行。")
        lines = ([_cell(v) for v in row] for row in csv.reader(io.StringIO(text)))
    else:
        raise ValidationError("只接受 .csv 或 .xlsx 文件。")
    header = next(lines, None)
    if header is None:
        raise ValidationError("文件为空。")
    rows = [(line, row) for line, row in enumerate(lines, start=2) if any(row)]
    if len(rows) > max_rows:
        raise ValidationError(f"行数过多：上限 {max_rows} 行。")
    return header, rows


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
