"""A new year's quotas: set by the city for every district at once; it becomes the project year."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mingchu.models import DemoStore, DistrictQuota
from mingchu.services import register_demo_store, set_year_quotas
from portal.models import AuditEvent, District, Role
from tests.factories import UserFactory, issue_food, register

pytestmark = pytest.mark.django_db


def _store(officer, clerk_user, year):
    licence = issue_food(clerk_user, register(clerk_user))
    return register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(year, 10, 1),
    )  # fmt: skip


def _figures(food_court=2, other_areas=5):
    return {
        code: (food_court, other_areas) for code in District.objects.values_list("code", flat=True)
    }


def test_the_city_sets_a_new_year_and_new_stores_count_in_it(quotas, city, xuhui_clerk):
    created = set_year_quotas(acting_user=city, year=2023, quotas=_figures(), reason="2023年方案")

    assert len(created) == 16 and DistrictQuota.objects.project_year() == 2023
    assert DistrictQuota.objects.filter(year=2022).count() == 16  # the earlier year stays
    assert AuditEvent.objects.filter(action="quota.set").count() == 16
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    assert _store(officer, xuhui_clerk, 2023).year == 2023


@pytest.mark.parametrize(
    ("year", "change", "message"),
    [
        (2022, None, "2022年的布点已设定"),
        (2023, lambda q: q.pop("310104"), "缺少以下区的布点：徐汇区"),
        (2023, lambda q: q.update({"310104": (-1, 3)}), "不小于 0"),
        (2023, lambda q: q.update({"999999": (1, 1)}), "未知的区代码：999999"),
        (2023, lambda q: q.update(dict.fromkeys(q, (0, 0))), "合计不能为 0"),
        (1999, None, "2000 至 2100"),
    ],
)
def test_bad_years_and_figures_are_refused_and_nothing_is_written(
    quotas, city, year, change, message
):
    figures = _figures()
    if change:
        change(figures)
    with pytest.raises(ValidationError, match=message):
        set_year_quotas(acting_user=city, year=year, quotas=figures, reason="方案")
    assert DistrictQuota.objects.exclude(year=2022).count() == 0
    assert not AuditEvent.objects.filter(action="quota.set").exists()


def test_only_the_city_sets_a_year_and_only_with_a_reason(quotas, city):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    with pytest.raises(PermissionDenied):
        set_year_quotas(acting_user=officer, year=2023, quotas=_figures(), reason="方案")
    with pytest.raises(ValidationError, match="依据或说明"):
        set_year_quotas(acting_user=city, year=2023, quotas=_figures(), reason=" ")
    assert DistrictQuota.objects.project_year() == 2022


def test_the_page_is_prefilled_from_the_latest_year_and_opens_the_new_one(client, quotas, city):
    client.force_login(city)
    form = client.get(reverse("mingchu:quota_year_new")).content.decode()
    assert 'name="year"' in form and 'value="2023"' in form
    assert 'name="food_court_310104" id="id_food_court_310104" value="33"' in form

    data = {"year": "2023", "reason": "2023年方案"}
    for code, (food_court, other_areas) in _figures(1, 4).items():
        data |= {f"food_court_{code}": food_court, f"other_areas_{code}": other_areas}
    response = client.post(reverse("mingchu:quota_year_new"), data, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?year=2023")
    assert "2023年“互联网＋明厨亮灶”示范店各区布点" in page and 'href="?year=2022"' in page
    assert client.get(reverse("mingchu:quota_list")).context["year"] == 2023


def test_a_refused_year_shows_the_services_error_on_the_page(client, quotas, city):
    client.force_login(city)
    data = {"year": "2022", "reason": "重复"}
    for code, (food_court, other_areas) in _figures().items():
        data |= {f"food_court_{code}": food_court, f"other_areas_{code}": other_areas}

    page = client.post(reverse("mingchu:quota_year_new"), data).content.decode()

    assert "2022年的布点已设定" in page
    assert DistrictQuota.objects.count() == 16


def test_district_officers_cannot_open_the_page(client, quotas):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    client.force_login(officer)
    assert client.get(reverse("mingchu:quota_year_new")).status_code == 404


def test_the_store_list_shows_the_chosen_year_and_registers_only_in_the_project_year(
    client, quotas, city, xuhui_clerk
):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    old = _store(officer, xuhui_clerk, 2022)
    set_year_quotas(acting_user=city, year=2023, quotas=_figures(), reason="2023年方案")
    client.force_login(officer)

    current = client.get(reverse("mingchu:store_list")).content.decode()
    earlier = client.get(reverse("mingchu:store_list"), {"year": 2022}).content.decode()

    assert old.unit_name not in current and 'name="food_licence_number"' in current
    assert old.unit_name in earlier and 'name="food_licence_number"' not in earlier
    assert DemoStore.objects.get().year == 2022
