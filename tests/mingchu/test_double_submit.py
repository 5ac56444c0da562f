"""Double submit in 明厨亮灶: one store, one year of quotas, one report, however often sent."""

import datetime

import pytest
from django.urls import reverse

from mingchu.models import DemoStore, DistrictQuota, MonthlyReport
from mingchu.queries.reports import SHANGHAI
from portal.models import District, Role
from tests.double_submit import form_token
from tests.factories import UserFactory, issue_food, register

pytestmark = pytest.mark.django_db


def test_a_store_form_posted_twice_selects_one_store(client, reference_data, xuhui_clerk):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海双击测试餐饮有限公司"))
    client.force_login(officer)
    url = reverse("mingchu:store_list")
    data = {
        "food_licence_number": licence.number,
        "location_type": "other",
        "expected_completion": "2027-10",
        "on_delivery_platform": "no",
        "form_token": form_token(client, url),
    }

    first = client.post(url, data)
    again = client.post(url, data, follow=True)

    assert DemoStore.objects.count() == 1
    assert first.url == url and again.redirect_chain[-1][0] == url
    page = again.content.decode()
    assert "该表单已经提交过" in page and "该店已登记为示范店" not in page


def test_a_new_year_posted_twice_sets_the_quotas_once_without_an_error(client, quotas, city):
    client.force_login(city)
    url = reverse("mingchu:quota_year_new")
    data = {"year": "2023", "reason": "2023年方案", "form_token": form_token(client, url)}
    for code in District.objects.values_list("code", flat=True):
        data |= {f"food_court_{code}": 1, f"other_areas_{code}": 4}

    client.post(url, data)
    again = client.post(url, data, follow=True)

    assert again.redirect_chain[-1][0].endswith("?year=2023")
    assert "2023年的布点已设定" not in again.content.decode()
    assert DistrictQuota.objects.filter(year=2023).count() == 16


def test_a_months_report_opened_twice_is_one_report(client, reference_data, time_machine):
    """open_report is get-or-create on (district, month): no token needed."""
    time_machine.move_to(datetime.datetime(2022, 9, 20, 10, tzinfo=SHANGHAI), tick=False)
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    client.force_login(officer)

    answers = [client.post(reverse("mingchu:report_open")) for _ in range(2)]

    report = MonthlyReport.objects.get()
    assert {a.url for a in answers} == {reverse("mingchu:report_edit", args=[report.pk])}
