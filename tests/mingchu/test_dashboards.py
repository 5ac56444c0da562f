"""Roll-up page, dashboards and the summary PDF: scoping, revisions, charts, query counts."""

import datetime
import io
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from mingchu.models import CityRollup
from mingchu.queries.reports import SHANGHAI
from mingchu.queries.rollups import progress_trend
from mingchu.services import add_camera, advance_store_stage, connect_platform
from mingchu.services.rollups import build_city_rollup
from mingchu.views.charts import grouped_bar_chart, line_chart
from portal.models import Role
from tests.factories import UserFactory
from tests.mingchu.rollup_data import HUANGPU, JINGAN, XUHUI, demo_stores, officer_of

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def registry(quotas, time_machine):
    """Stores made on 20 September 2022 (roll-ups count the history up to the month's end)."""
    time_machine.move_to(datetime.datetime(2022, 9, 20, 10, tzinfo=SHANGHAI), tick=False)
    demo_stores(XUHUI, [0, 2, 3])
    demo_stores(HUANGPU, [3])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_city_officers_read_the_roll_up_and_its_earlier_revisions(client, registry, city):
    build_city_rollup(acting_user=city, year=2022, month=9)
    demo_stores(JINGAN, [3])
    build_city_rollup(acting_user=city, year=2022, month=9)
    client.force_login(city)

    latest = client.get(reverse("mingchu:rollup")).content.decode()
    first = client.get(reverse("mingchu:rollup", args=[2022, 9]), {"revision": 1})

    assert "第2版" in latest and "徐汇" in latest and "报送完整性与及时性" in latest
    assert reverse("mingchu:district_dashboard", args=[XUHUI]) in latest
    assert first.context["rollup"].revision == 1 and first.context["totals"].completed == 2
    assert "这不是最新版本" in first.content.decode()
    assert client.get(reverse("mingchu:rollup", args=[2022, 9]), {"revision": 7}).status_code == 404
    assert client.get(reverse("mingchu:rollup", args=[2022, 13])).status_code == 404


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.WINDOW_CLERK, Role.ENTERPRISE])
def test_the_roll_up_is_not_found_for_anyone_else(client, registry, city, role):
    build_city_rollup(acting_user=city, year=2022, month=9)
    client.force_login(
        officer_of(XUHUI) if role == Role.DISTRICT_OFFICER else UserFactory(role=role)
    )

    for name in ("mingchu:rollup", "mingchu:rollup_pdf"):
        assert client.get(reverse(name, args=[2022, 9])).status_code == 404
    assert client.post(reverse("mingchu:rollup_build", args=[2022, 9])).status_code == 404
    assert CityRollup.objects.count() == 1


def test_build_now_stores_a_new_revision_and_shows_it(client, registry, city):
    client.force_login(city)
    url = reverse("mingchu:rollup_build", args=[2022, 9])

    assert client.get(url).status_code == 405
    response = client.post(url)
    again = client.post(url, follow=True)

    assert response.status_code == 302 and response["Location"].endswith("?revision=1")
    assert (
        again.context["rollup"].revision == 2
        and "已生成2022年9月 第2版汇总" in again.content.decode()
    )
    assert list(CityRollup.objects.values_list("built_by", flat=True)) == [city.pk, city.pk]


def test_build_now_needs_the_csrf_token(registry, city):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(city)
    assert client.post(reverse("mingchu:rollup_build", args=[2022, 9])).status_code == 403
    assert not CityRollup.objects.exists()


def test_pages_run_a_constant_number_of_queries(client, registry, city):
    build_city_rollup(acting_user=city, year=2022, month=9)
    client.force_login(city)
    urls = [
        reverse("mingchu:rollup", args=[2022, 9]),
        reverse("mingchu:city_dashboard"),
        reverse("mingchu:district_dashboard", args=[XUHUI]),
    ]
    few = [_queries(client, url) for url in urls]

    demo_stores(XUHUI, [1, 3, 3])
    demo_stores(JINGAN, [2, 3])
    build_city_rollup(acting_user=city, year=2022, month=9)
    build_city_rollup(acting_user=city, year=2022, month=10)

    assert [_queries(client, url) for url in urls] == few


def test_district_officers_see_only_their_own_dashboard(client, registry):
    officer = officer_of(XUHUI)
    client.force_login(officer)

    own = client.get(reverse("mingchu:district_dashboard", args=[XUHUI]))
    assert own.status_code == 200 and own.context["row"].completed == 1
    assert client.get(reverse("mingchu:district_dashboard", args=[HUANGPU])).status_code == 404
    assert client.get(reverse("mingchu:city_dashboard")).url == reverse(
        "mingchu:district_dashboard", args=[XUHUI]
    )


def test_the_city_dashboard_draws_accessible_svg_charts(client, registry, city):
    client.force_login(city)
    response = client.get(reverse("mingchu:city_dashboard"))
    assert response.context["totals"].completed == 2

    html = response.content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="city-progress"')
    markup = html[start : html.index("</svg>", start) + len("</svg>")]
    chart = ET.fromstring(markup)  # noqa: S314 - markup this test's server just made
    assert chart.get("role") == "img"
    assert chart.get("aria-labelledby") == "city-progress-title city-progress-desc"
    assert chart.find(f"{SVG}title").text == "2022年各区示范店布点与建设进度"
    assert "徐汇：布点数量80家，选点完成3家" in chart.find(f"{SVG}desc").text
    assert len(chart.findall(f".//{SVG}rect[{SVG}title]")) == 16 * 5
    assert 'id="city-trend"' in html


@pytest.mark.parametrize("other", [HUANGPU, "999999"])
def test_a_district_officer_gets_404_for_other_dashboards(client, registry, other):
    client.force_login(officer_of(XUHUI))
    assert client.get(reverse("mingchu:district_dashboard", args=[other])).status_code == 404


def test_chart_text_is_escaped_and_the_markup_well_formed():
    bars = grouped_bar_chart(
        chart_id="c1", title="<script>&", desc='a "b"', categories=["<区>"], series=[("x&y", [3])]
    )
    lines = line_chart(
        chart_id="c2", title="t", desc="d", x_labels=["1月", "2月"], series=[("<s>", [1, 2])]
    )
    for svg in (bars, lines):
        ET.fromstring(svg)  # noqa: S314 - markup made by the function under test
    assert "<script>" not in bars and "&lt;script&gt;&amp;" in bars and "&lt;区&gt;" in bars


def test_the_trend_counts_stores_by_the_dates_of_their_stages(quotas, time_machine):
    time_machine.move_to(datetime.datetime(2022, 7, 10, 9, tzinfo=SHANGHAI), tick=False)
    early, late = demo_stores(XUHUI, [0, 0])
    officer = officer_of(XUHUI)
    time_machine.move_to(datetime.datetime(2022, 8, 20, 9, tzinfo=SHANGHAI), tick=False)
    add_camera(
        acting_user=officer, store=early, position="热厨", control_points=["cooking"],
        installed_on=datetime.date(2022, 8, 1),
    )  # fmt: skip
    for on in (datetime.date(2022, 8, 2), datetime.date(2022, 8, 20)):
        early = advance_store_stage(acting_user=officer, store=early, on=on)
    connect_platform(
        acting_user=officer, store=early, platform="美团外卖", shop_id="MT1",
        connected_on=datetime.date(2022, 9, 1),
    )  # fmt: skip
    time_machine.move_to(datetime.datetime(2022, 9, 20, 9, tzinfo=SHANGHAI), tick=False)
    advance_store_stage(acting_user=officer, store=early, on=datetime.date(2022, 9, 15))

    trend = progress_trend(year=2022, today=datetime.date(2022, 10, 5))

    assert trend["months"] == list(range(1, 11))
    assert trend["series"]["stores_selected"][5:] == [0, 2, 2, 2, 2]
    assert trend["series"]["video_installed"][5:] == [0, 0, 1, 1, 1]
    assert trend["series"]["completed"][5:] == [0, 0, 0, 1, 1]
    assert late.stage == "preparation"


def test_the_summary_pdf_has_the_title_the_districts_and_the_totals(
    client, registry, city, time_machine
):
    time_machine.move_to(datetime.datetime(2022, 10, 1, 6, tzinfo=SHANGHAI), tick=False)
    build_city_rollup(acting_user=city, year=2022, month=9)
    client.force_login(city)

    response = client.get(reverse("mingchu:rollup_pdf", args=[2022, 9]), {"revision": 1})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "上海市“互联网＋明厨亮灶”示范店建设进度汇总（2022年9月 第1版）" in text
    assert "徐汇" in text and "浦东" in text and "全市合计" in text and "1000" in text
    assert "按时上报0，逾期上报0，退回未重报0，未到期未报0，未上报16" in "".join(text.split())
