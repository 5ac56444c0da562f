"""附件4 各区示范店建设情况统计表: read an upload, import it all-or-nothing, export the table.

The import goes row by row through the same services as the pages (register, update,
advance), so every rule and stage guard applies; any bad row rolls the whole file back.
"""

import datetime
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.datetime import from_excel

from licensing.models import FoodLicence
from mingchu.audit import MingchuAction
from mingchu.models import (
    STAGE_ORDER,
    DeliveryPlatform,
    DemoStore,
    DistrictQuota,
    LocationType,
    Stage,
)
from mingchu.models.quotas import YEARS
from mingchu.services.stores import advance_store_stage, register_demo_store, update_demo_store
from portal import tabular
from portal.audit import record_event
from portal.identifiers import same_text, validate_food_permit_number
from portal.permissions import allows

TITLE = "各区示范店建设情况统计表"
HEADER = ("序号", "单位名称", "地址", "许可证号", "建设进度", "预计完成时间")
LOCATION_COLUMN = "区域类型"
#: Columns the export adds after 附件4's six; the import reads the first two when present.
DELIVERY_COLUMN = "网络餐饮服务（入驻平台）"
OVERDUE_COLUMN = "逾期未上线"
EXPORT_HEADER = (*HEADER, LOCATION_COLUMN, DELIVERY_COLUMN, OVERDUE_COLUMN)
OPTIONAL_COLUMNS = (LOCATION_COLUMN, DELIVERY_COLUMN)
NOTES = (
    "注：1．建设进度请填写前期准备、设备安装、视频对接、完成建设；",
    "2．预计完成时间请填写到月。",
)
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
#: Title, district and header lines above the data, and the two notes below it.
LAYOUT_LINES = 10

STAGE_BY_LABEL = {label: value for value, label in Stage.choices}
LOCATION_BY_LABEL = {label: value for value, label in LocationType.choices}
PLATFORM_BY_LABEL = {label: value for value, label in DeliveryPlatform.choices}
PLATFORM_SEPARATORS = re.compile(r"[、,;/]")
SERVICE_FIELDS = {
    "food_licence_number": "许可证号",
    "location_type": LOCATION_COLUMN,
    "expected_completion": "预计完成时间",
    "delivery_platforms": DELIVERY_COLUMN,
}
MONTH = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)


@dataclass(frozen=True)
class TableRow:
    """One data row: its line in the file and its cells by column name."""

    line: int
    cells: dict


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


class StoreImportError(ValidationError):
    """Every bad row of an upload; nothing of it was written."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        super().__init__([f"第{e.line}行 {e.column}：{e.message}" for e in row_errors])


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def parse_month(text: str) -> datetime.date:
    """年-月 (2022-10), 2022年10月, 2022/10, an Excel date or an Excel date serial number."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写预计完成时间（年-月）。")
    if text.isdigit() and 20000 <= int(text) <= 80000:
        return from_excel(int(text)).date().replace(day=1)
    match = MONTH.match(unicodedata.normalize("NFKC", text))
    if match is None:
        raise ValidationError(f"“{text}”不是有效的月份，请填写如 2022-10 或 2022年10月。")
    year, month = int(match.group(1)), int(match.group(2))
    if not (year in YEARS and 1 <= month <= 12):
        raise ValidationError(f"“{text}”不是有效的月份，请填写如 2022-10 或 2022年10月。")
    return datetime.date(year, month, 1)


def read_store_table(file_name: str, data: bytes) -> list[TableRow]:
    """The data rows of an 附件4 table (CSV in UTF-8/BOM/GB18030, or .xlsx).

    The header line may follow a title and a district line; rows after a line starting
    with 注 (the notes) and rows with every cell but 序号 empty are left out.
    """
    header, rows = tabular.read_numbered_table(
        file_name, data, max_rows=MAX_ROWS + LAYOUT_LINES, max_bytes=MAX_BYTES
    )
    numbered = [(1, header), *rows]
    lines = [line for _, line in numbered]
    start = next(
        (
            i
            for i, line in enumerate(lines[:LAYOUT_LINES])
            if [_compact(c) for c in line[:2]] == ["序号", "单位名称"]
        ),
        None,
    )
    if start is None:
        raise ValidationError(
            f"未找到表头：应为“{'、'.join(HEADER)}”（可另加“{'”“'.join(OPTIONAL_COLUMNS)}”列）。"
        )
    names = [_compact(cell) for cell in lines[start]]
    missing = [column for column in HEADER if column not in names]
    if missing:
        raise ValidationError(f"表头缺少“{'、'.join(missing)}”列。")
    positions = {
        column: names.index(_compact(column))
        for column in (*HEADER, *OPTIONAL_COLUMNS)
        if _compact(column) in names
    }
    result = []
    for number, line in numbered[start + 1 :]:
        if line and line[0].startswith("注"):
            break
        cells = {
            column: (line[index] if index < len(line) else "")
            for column, index in positions.items()
        }
        if any(value for column, value in cells.items() if column != "序号"):
            result.append(TableRow(number, cells))
    if not result:
        raise ValidationError("文件中没有数据行。")
    if len(result) > MAX_ROWS:
        raise ValidationError(f"行数过多：上限 {MAX_ROWS} 行。")
    return result


def parse_delivery(text: str) -> tuple[bool, list[str]] | None:
    """The 网络餐饮服务（入驻平台） cell as the export writes it (入网：美团外卖、饿了么 /
    未入网 / 未记录), or a bare list of platforms; ``None`` for 未记录 or an empty cell."""
    text = _compact(text)
    if text in ("", "未记录"):
        return None
    joined = "、".join(PLATFORM_BY_LABEL)
    if text.startswith("未入网"):
        if text.removeprefix("未入网").strip(":"):
            raise ValidationError("未入网的经营者不应填写平台。")
        return False, []
    listed = text.removeprefix("入网").strip(":")
    if not listed:
        raise ValidationError(f"请写明所入驻的平台，如“入网：美团外卖、饿了么”（可选{joined}）。")
    platforms = []
    for label in filter(None, PLATFORM_SEPARATORS.split(listed)):
        if label not in PLATFORM_BY_LABEL:
            raise ValidationError(f"未知的平台“{label}”：应为{joined}。")
        platforms.append(PLATFORM_BY_LABEL[label])
    return True, platforms


def _check_cells(row: TableRow) -> tuple[dict, list[RowError]]:
    """The row's values, or its cell errors (before anything is looked up)."""
    errors, values = [], {}

    def error(column, message):
        errors.append(RowError(row.line, column, message))

    values["name"] = row.cells["单位名称"].strip()
    if not values["name"]:
        error("单位名称", "请填写单位名称。")
    try:
        values["number"] = validate_food_permit_number(row.cells["许可证号"])
    except ValidationError as caught:
        error("许可证号", caught.messages[0])
    values["stage"] = STAGE_BY_LABEL.get(_compact(row.cells["建设进度"]))
    if values["stage"] is None:
        error("建设进度", "应为前期准备、设备安装、视频对接或完成建设之一。")
    try:
        values["month"] = parse_month(row.cells["预计完成时间"])
    except ValidationError as caught:
        error("预计完成时间", caught.messages[0])
    location = _compact(row.cells.get(LOCATION_COLUMN, ""))
    values["location"] = LOCATION_BY_LABEL.get(location) if location else None
    if location and values["location"] is None:
        error(LOCATION_COLUMN, "应为美食广场或其他区域。")
    try:
        values["delivery"] = parse_delivery(row.cells.get(DELIVERY_COLUMN, ""))
    except ValidationError as caught:
        error(DELIVERY_COLUMN, caught.messages[0])
    return values, errors


def _apply_row(
    acting_user, row: TableRow, values: dict, year: int, tally: Counter
) -> list[RowError]:
    """Register or update the row's store and advance it to the row's stage."""
    errors = []
    licence = FoodLicence.objects.filter(number=values["number"], is_current=True).first()
    if licence is not None and not same_text(licence.operator_name, values["name"]):
        message = f"与许可证上的经营者名称“{licence.operator_name}”不一致。"
        return [RowError(row.line, "单位名称", message)]
    target = values["stage"]
    on_platform, platforms = values["delivery"] or (None, [])
    try:
        store = (
            DemoStore.objects.visible_to(acting_user)
            .filter(year=year, food_licence_number=values["number"])
            .first()
        )
        if store is None:
            store = register_demo_store(
                acting_user=acting_user,
                food_licence_number=values["number"],
                location_type=values["location"] or LocationType.OTHER,
                expected_completion=values["month"],
                year=year,
                on_delivery_platform=on_platform,
                delivery_platforms=platforms,
            )
            tally["registered"] += 1
        else:
            store = update_demo_store(
                acting_user=acting_user,
                store=store,
                location_type=values["location"] or store.location_type,
                expected_completion=values["month"],
                delivery=values["delivery"],
            )
            tally["updated"] += 1
    except ValidationError as caught:
        pairs = (
            caught.message_dict.items()
            if hasattr(caught, "error_dict")
            else [("", caught.messages)]
        )
        for field, messages in pairs:
            column = SERVICE_FIELDS.get(field, "许可证号")
            errors.extend(RowError(row.line, column, message) for message in messages)
        return errors
    if STAGE_ORDER.index(target) < STAGE_ORDER.index(store.stage):
        message = f"建设进度不能倒退：该店已处于“{store.get_stage_display()}”。"
        return [RowError(row.line, "建设进度", message)]
    while store.stage != target:
        reason = store.missing_for_next_stage()
        if reason:
            label = Stage(target).label
            message = f"无法推进到“{label}”（当前为“{store.get_stage_display()}”）：{reason}"
            return [RowError(row.line, "建设进度", message)]
        store = advance_store_stage(acting_user=acting_user, store=store)
        tally["advanced"] += 1
    return errors


@transaction.atomic
def import_store_table(*, acting_user, rows: list[TableRow], year: int | None = None) -> dict:
    """Import an 附件4 table for the officer's district, all or nothing, into ``year``
    (default the project year, the latest with quotas).

    A row's 许可证号 selects the store: a new one is registered (same rules as the page),
    an existing one gets its 区域类型, 预计完成时间 and 网络餐饮服务 updated; then it is
    advanced stage by stage to the row's 建设进度 through ``advance_store_stage`` (never
    backwards). Every row is checked; if any is bad, ``StoreImportError`` lists them all and
    the transaction is rolled back. Writes the services' audit events and one
    ``demo_store.table_imported``.
    """
    if not allows(acting_user, "mingchu.register_stores"):
        raise PermissionDenied("只有区局人员可以导入示范店统计表。")
    if not rows:
        raise ValidationError("文件中没有数据行。")
    year = year or DistrictQuota.objects.project_year()
    errors, tally, seen = [], Counter(), {}
    for row in rows:
        values, row_errors = _check_cells(row)
        number = values.get("number")
        if number in seen:
            row_errors.append(RowError(row.line, "许可证号", f"与第{seen[number]}行重复。"))
        elif number:
            seen[number] = row.line
        if not row_errors:
            row_errors = _apply_row(acting_user, row, values, year, tally)
        errors.extend(row_errors)
    if errors:
        raise StoreImportError(errors)
    summary = {
        "rows": len(rows),
        **{key: tally[key] for key in ("registered", "updated", "advanced")},
    }
    record_event(
        actor=acting_user,
        action=MingchuAction.DEMO_STORE_TABLE_IMPORTED,
        obj=acting_user.district,
        changes=summary,
    )
    return summary


def export_store_table(rows: list[dict], *, district_label: str, summary=()) -> bytes:
    """The 附件4 table as an .xlsx: its six columns, then 区域类型, 网络餐饮服务 and 逾期未上线;
    below the notes, ``summary`` lines (progress against 美食广场 and 其他区域). Every text cell
    is escaped against formulas."""
    book = Workbook()
    sheet = book.active
    sheet.title = "示范店建设情况"
    width = len(EXPORT_HEADER)
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([tabular.safe_cell(f"区：{district_label}")])
    sheet.append(list(EXPORT_HEADER))
    for index, row in enumerate(rows, start=1):
        sheet.append(
            [
                index,
                tabular.safe_cell(row["unit_name"]),
                tabular.safe_cell(row["address"]),
                tabular.safe_cell(row["food_licence_number"]),
                row["stage"],
                row["expected_completion"],
                row["location_type"],
                tabular.safe_cell(row["delivery"]),
                "是" if row["overdue"] else "",
            ]
        )
    for note in NOTES:
        sheet.append([note])
    for line in summary:
        sheet.append([tabular.safe_cell(line)])
    for column, size in zip("ABCDEFGHI", (6, 32, 40, 20, 10, 14, 10, 26, 10), strict=True):
        sheet.column_dimensions[column].width = size
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
