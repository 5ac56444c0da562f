"""Reading the catalogue table (序号 行业分类 经营业态 牵头部门 整合的事项名称 审批部门 备注).

Two sources: the published text (tab-separated lines inside prose, with page headers repeated
and a format carried onto the next page by repeating its first four cells), and an .xlsx with
the same seven columns (first sheet, header row). Both give the same ``CatalogueRow`` list, in
which a continuation row (blank first four cells) is already filled in from the row above.
Anything that is not the table raises a ValidationError with a Chinese message.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from portal.tabular import decode_text, read_numbered_table

HEADER = ("序号", "行业分类", "经营业态", "牵头部门", "整合的事项名称", "审批部门", "备注")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    seq: int
    category: str
    name: str
    lead: str
    permit: str
    approving: str
    remark: str


def department_words(cell: str) -> list[str]:
    """The department wordings of an approving cell.

    "市水务局、区水务部门" names two; so does "区卫生健康部门 (区疾控部门)".
    """
    return [word for word in re.split(r"[、,，()（）\s]+", cell) if word]


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValidationError("文件不是文本：请提供目录原文（UTF-8 或 GB18030）或 .xlsx 表格。")
    return decode_text(data)


def _text_cells(text: str) -> list[tuple[int, list[str]]]:
    """The table's lines from the source text: from the first header to the first prose line."""
    cells, started = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("\t")]
        if tuple(parts) == HEADER:
            started = True
            continue
        if not started:
            continue
        if len(parts) == 1:
            break
        cells.append((number, parts))
    if not started:
        raise ValidationError(f"未找到目录表头：应为以制表符分隔的“{' '.join(HEADER)}”。")
    return cells


def _xlsx_cells(data: bytes) -> list[tuple[int, list[str]]]:
    header, rows = read_numbered_table(
        "catalogue.xlsx", data, max_rows=MAX_ROWS, max_bytes=MAX_BYTES
    )
    if tuple(header[:7]) != HEADER or any(header[7:]):
        found = "、".join(h for h in header if h) or "（空）"
        raise ValidationError(f"表头不符：应为“{'、'.join(HEADER)}”，实际为“{found}”。")
    return [(number, row) for number, row in rows if tuple(row[:7]) != HEADER]


def _seq(value: str, line: int) -> int:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or not 0 < number < 1000:
        raise ValidationError(f"第 {line} 行：序号“{value}”不是正整数。")
    return int(number)


def rows_from_cells(cells: list[tuple[int, list[str]]]) -> list[CatalogueRow]:
    """Fill continuation rows from the row above and check every row has seven cells."""
    rows: list[CatalogueRow] = []
    for line, parts in cells:
        if len(parts) > 7 and any(parts[7:]):
            raise ValidationError(f"第 {line} 行：多于 7 列。")
        parts = (parts + [""] * 7)[:7]
        seq, category, name, lead, permit, approving, remark = parts
        if not permit:
            raise ValidationError(f"第 {line} 行：缺少“整合的事项名称”。")
        if not approving:
            raise ValidationError(f"第 {line} 行：缺少“审批部门”。")
        if not (seq or category or name or lead):
            if not rows:
                raise ValidationError(f"第 {line} 行：续行之前没有经营业态。")
            previous = rows[-1]
            seq, category, name, lead = (
                previous.seq, previous.category, previous.name, previous.lead
            )  # fmt: skip
        elif not (seq and category and name and lead):
            raise ValidationError(f"第 {line} 行：序号、行业分类、经营业态、牵头部门须同时填写。")
        else:
            seq = _seq(seq, line)
        rows.append(CatalogueRow(line, seq, category, name, lead, permit, approving, remark))
    if not rows:
        raise ValidationError("目录表中没有数据行。")
    return rows


def read_catalogue(name: str, data: bytes) -> list[CatalogueRow]:
    """The catalogue rows of a source text (.txt/.tsv) or an .xlsx file."""
    if not data:
        raise ValidationError("文件为空。")
    if len(data) > MAX_BYTES:
        raise ValidationError(f"文件过大：上限 {MAX_BYTES // (1024 * 1024)} MB。")
    if name.lower().endswith(".xlsx"):
        return rows_from_cells(_xlsx_cells(data))
    return rows_from_cells(_text_cells(_decode(data)))
