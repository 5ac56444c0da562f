"""A monthly district report as an .xlsx in the layout of 附件3."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from mingchu.models import MonthlyReport
from portal.tabular import safe_cell

#: The five label/value rows of 附件3, in order, labelled as the model's fields are.
ROWS = tuple(
    (MonthlyReport._meta.get_field(field).verbose_name, field)
    for field in (
        "stores_selected",
        "video_installed",
        "platform_connected",
        "funds_wan",
        "issues_and_suggestions",
    )
)


def title(report: MonthlyReport) -> str:
    return f"各区{report.year}年为民办实事项目进度报表"


def submitted_on(report: MonthlyReport) -> str:
    if report.submitted_at is None:
        return "（未上报）"
    day = timezone.localtime(report.submitted_at).date()
    return f"{day.year}年{day.month}月{day.day}日"


def _value(report, field):
    value = getattr(report, field)
    if field == "funds_wan":
        return float(value)
    return value if isinstance(value, int) else safe_cell(value)


def report_xlsx(report: MonthlyReport) -> bytes:
    """Title, 上报单位 / 统计员 / 电话 / 上报日期, then 附件3's five rows.

    Free text that fills a cell by itself is escaped against formula injection.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report.year}年{report.month}月"
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 60
    thin = Side(style="thin")
    boxed = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")

    sheet.append([title(report)])
    sheet.merge_cells("A1:B1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"上报单位：{report.reporting_unit}"])
    sheet.merge_cells("A2:B2")
    sheet.append(
        [
            f"统 计 员：{report.statistician}",
            f"电话：{report.phone}　　上报日期：{submitted_on(report)}",
        ]
    )
    for label, field in ROWS:
        sheet.append([label, _value(report, field)])
        for cell in sheet[sheet.max_row]:
            cell.border, cell.alignment = boxed, wrap
    sheet["B7"].number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
