"""附件3's heading for the funds is "区级配套资金投入情况（万元）": the form, the city's pages and
the exports carry it word for word."""

import io

import pytest
from openpyxl import load_workbook

from mingchu.forms.reports import ReportForm
from mingchu.views.report_xlsx import ROWS

pytestmark = pytest.mark.django_db

#: 附件3 (../shared/seeds/shanghai-mingchu-liangzao-2022.txt), the fourth row of the sheet.
HEADING = "区级配套资金投入情况（万元）"


def test_the_report_form_labels_the_funds_as_the_sheet_does():
    assert ReportForm.base_fields["funds_wan"].label == HEADING


def test_the_xlsx_export_and_the_city_pages_use_the_sheet_heading(reference_data, client):
    from mingchu.models import MonthlyReport
    from portal.models import District, Role
    from tests.factories import UserFactory

    assert (HEADING, "funds_wan") in ROWS
    report = MonthlyReport.objects.create(
        district=District.objects.get(code="310104"), year=2022, month=9, funds_wan="35.50"
    )
    client.force_login(UserFactory(role=Role.CITY_OFFICER))
    sheet = load_workbook(
        io.BytesIO(client.get(f"/mingchu/reports/{report.pk}/export/").getvalue())
    ).active
    assert [HEADING, 35.5] in [[c.value for c in row] for row in sheet.iter_rows()]
    month_page = client.get("/mingchu/reports/2022/9/").content.decode()
    assert HEADING in month_page and "区级配套资金（万元）" not in month_page
