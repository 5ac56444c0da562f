"""附件1 splits each district's quota into 美食广场示范店数量 and 其他区域示范店数量: progress
against each part in the roll-up (page and PDF), the dashboards and the 附件4 export."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from mingchu.models import CityRollup
from mingchu.queries.reports import SHANGHAI
from mingchu.queries.rollups import RegistryRow, RollupTotals, registry_rows
from mingchu.services import build_city_rollup, register_demo_store
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, issue_food, register
from tests.mingchu.test_quotas import _attachment_1

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


@pytest.fixture
def xuhui_stores(officer, xuhui_clerk, quotas, time_machine):
    """Xuhui, on 20 September 2022: one 美食广场 store completed, two 其他区域 stores selected."""
    time_machine.move_to(datetime.datetime(2022, 9, 20, 10, 0, tzinfo=SHANGHAI), tick=False)
    stores = []
    for name, area in (("甲", "food_court"), ("乙", "other"), ("丙", "other")):
        licence = issue_food(xuhui_clerk, register(xuhui_clerk, name=f"上海{name}餐饮有限公司"))
        stores.append(
            register_demo_store(
                acting_user=officer,
                food_licence_number=licence.number,
                location_type=area,
                expected_completion=datetime.date(2022, 9, 1),
            )  # fmt: skip
        )
    advance_store(officer, stores[0], times=3)
    return stores


def test_every_row_carries_both_parts_of_attachment_1(xuhui_stores):
    rows = registry_rows(year=2022)

    seed = _attachment_1()
    parts = {r.district_name: (r.area["food_court"].quota, r.area["other"].quota) for r in rows}
    assert parts == {name: (food_court, other) for name, (food_court, other, _) in seed.items()}
    xuhui = next(r for r in rows if r.district_code == "310104")
    food_court, other = xuhui.area["food_court"], xuhui.area["other"]
    assert (food_court.label, food_court.quota) == ("美食广场", 33)
    assert (food_court.stores_selected, food_court.completed) == (1, 1)
    assert food_court.completed_pct == 3.0  # 1 of 33, one decimal, half up
    assert (other.label, other.quota, other.stores_selected, other.completed) == (
        "其他区域", 47, 2, 0,
    )  # fmt: skip
    assert other.stores_selected_pct == 4.3


def test_the_dashboards_and_the_rollup_page_and_pdf_show_both_parts(client, xuhui_stores):
    city = UserFactory(role=Role.CITY_OFFICER)
    client.force_login(city)

    dashboard = client.get(reverse("mingchu:city_dashboard")).content.decode()
    for heading in ("美食广场示范店数量", "其他区域示范店数量"):
        assert f">{heading}</th>" in dashboard
    xuhui = dashboard[dashboard.index('data-area-district="310104"') :].split("</tr>")[0]
    assert ">33</td>" in xuhui and ">47</td>" in xuhui and "3%" in xuhui
    totals = dashboard[dashboard.index("data-area-totals") :].split("</tr>")[0]
    assert ">232</td>" in totals and ">768</td>" in totals
    district = client.get(reverse("mingchu:district_dashboard", args=["310104"])).content.decode()
    assert "布点33，选点1（3%），完成建设1（3%）" in district
    assert "布点47，选点2（4.3%），完成建设0（0%）" in district

    rollup = build_city_rollup(acting_user=city, year=2022, month=9)
    stored = next(r for r in rollup.rows if r["district_code"] == "310104")
    assert stored["area"]["food_court"]["completed"] == 1
    assert rollup.totals["area"]["other"]["quota"] == 768
    page = client.get(reverse("mingchu:rollup", args=[2022, 9])).content.decode()
    assert 'data-area-district="310104"' in page
    pdf = client.get(reverse("mingchu:rollup_pdf", args=[2022, 9]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "美食广场与其他区域（附件1）" in text
    assert "美食广场示范店数量" in text and "其他区域示范店数量" in text


def test_the_attachment_4_export_ends_with_progress_against_each_part(
    client, officer, xuhui_stores
):
    client.force_login(officer)
    sheet = load_workbook(io.BytesIO(client.get(reverse("mingchu:store_export")).content)).active
    lines = [row[0] for row in sheet.iter_rows(values_only=True)]

    assert "美食广场：布点 33 家，选点 1 家（3%），完成建设 1 家（3%）" in lines
    assert "其他区域：布点 47 家，选点 2 家（4.3%），完成建设 0 家（0%）" in lines
    city = UserFactory(role=Role.CITY_OFFICER)
    client.force_login(city)
    sheet = load_workbook(io.BytesIO(client.get(reverse("mingchu:store_export")).content)).active
    lines = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "美食广场：布点 232 家，选点 1 家（0.4%），完成建设 1 家（0.4%）" in lines


def test_a_revision_reads_back_as_it_was_stored_and_one_stored_before_the_split_displays(
    client, xuhui_stores
):
    city = UserFactory(role=Role.CITY_OFFICER)
    rollup = build_city_rollup(acting_user=city, year=2022, month=9)
    # The dataclasses give back exactly the JSON the revision keeps.
    for stored in rollup.rows:
        row = {key: value for key, value in stored.items() if key != "report"}
        assert RegistryRow.from_stored(row).as_stored() == row
    assert RollupTotals.from_stored(rollup.totals).as_stored() == rollup.totals

    # A revision stored before the 美食广场/其他区域 split had neither part nor 逾期未上线.
    old = [
        {key: value for key, value in row.items() if key not in ("area", "overdue")}
        for row in rollup.rows
    ]
    totals = {k: v for k, v in rollup.totals.items() if k not in ("area", "overdue")}
    CityRollup.objects.filter(pk=rollup.pk).update(rows=old, totals=totals)
    client.force_login(city)
    response = client.get(reverse("mingchu:rollup", args=[2022, 9]))
    assert response.status_code == 200
    xuhui = next(r for r in response.context["rows"] if r.district_code == "310104")
    assert (xuhui.completed, xuhui.area, xuhui.overdue) == (1, {}, 0)
    page = response.content.decode()
    assert 'data-district="310104"' in page and 'data-area-district="310104"' not in page
    assert client.get(reverse("mingchu:rollup_pdf", args=[2022, 9])).status_code == 200
