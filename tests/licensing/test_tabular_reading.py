"""Good spreadsheets read as before: the bounded reader gives what openpyxl gives."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from portal import tabular


def _xlsx(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _openpyxl_rows(data: bytes) -> list[list[str]]:
    """The non-blank rows as openpyxl's own read-only mode reads them, trailing blanks cut."""
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    rows = []
    for values in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v).strip() for v in values]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(cells)
    return [row for row in rows[1:] if row]


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    book = Workbook()
    sheet = book.active
    sheet.append(["文本", "整数", "小数", "日期", "日期时间", "布尔", "空", "末列"])
    sheet.append(["  上海市徐汇区  ", 42, 3.25, datetime.date(2022, 10, 1), None, True, None, "x"])
    moment = datetime.datetime(2023, 1, 2, 3, 4)  # noqa: DTZ001 - Excel has no time zones
    sheet.append(["=SUM(B2:B2)", 0, -1.5e-7, None, moment, False])
    sheet.append([])
    sheet.append(["JY23101040000019", 91310104, None, None, None, None, None, "末"])
    data = _xlsx(book)

    header, rows = tabular.read_numbered_table("a.xlsx", data, max_rows=10, max_bytes=10**6)

    assert header == ["文本", "整数", "小数", "日期", "日期时间", "布尔", "空", "末列"]
    assert [row for _, row in rows] == _openpyxl_rows(data)
    assert [line for line, _ in rows] == [2, 3, 5]
    assert rows[0][1][3] == "2022-10-01 00:00:00"


def test_the_active_sheet_is_read_not_the_first():
    book = Workbook()
    book.active.append(["别的表"])
    chosen = book.create_sheet("清单")
    chosen.append(["统一社会信用代码"])
    chosen.append(["91310104MA1FL8KQ5B"])
    book.active = 1

    header, rows = tabular.read_numbered_table("a.xlsx", _xlsx(book), max_rows=10, max_bytes=10**6)

    assert header == ["统一社会信用代码"] and rows == [(2, ["91310104MA1FL8KQ5B"])]


def test_a_workbook_without_rows_is_empty():
    with pytest.raises(ValidationError, match="文件为空"):
        tabular.read_numbered_table("a.xlsx", _xlsx(Workbook()), max_rows=10, max_bytes=10**6)
