"""The 2022 district quotas exactly as 附件1, adjusted only by the city with a reason."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from mingchu.models import DistrictQuota, QuotaChange
from mingchu.services import adjust_quota
from portal.models import AuditEvent, District, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "shanghai-mingchu-liangzao-2022.txt"


@pytest.fixture
def quotas(reference_data):
    call_command("loaddata", "mingchu_quotas_2022", verbosity=0)


def _attachment_1():
    text = SEED.read_text(encoding="utf-8")
    table = text[text.index("2022年上海市为民办实事项目各区布点情况") : text.index("附件2\n")]
    cells = [c.strip() for c in re.split(r"[\t\n]+", table) if c.strip()]
    start = cells.index("1")
    rows = {}
    for i in range(start, start + 16 * 5, 5):
        _, name, food_court, other, total = cells[i : i + 5]
        rows[name] = (int(food_court), int(other), int(total))
    return rows


def test_quotas_are_exactly_attachment_1(quotas):
    expected = _attachment_1()
    loaded = {
        q.district.short_name: (q.food_court, q.other_areas, q.total)
        for q in DistrictQuota.objects.for_year(2022)
    }
    assert loaded == expected
    assert sum(v[0] for v in loaded.values()) == 232
    assert sum(v[1] for v in loaded.values()) == 768
    assert sum(v[2] for v in loaded.values()) == 1000


def test_city_officer_adjusts_with_a_reason_and_history_is_kept(quotas):
    city = UserFactory(role=Role.CITY_OFFICER)
    xuhui = DistrictQuota.objects.get(year=2022, district_id="310104")

    adjust_quota(
        acting_user=city, quota=xuhui, food_court=30, other_areas=47, reason="美食广场调整"
    )
    adjust_quota(acting_user=city, quota=xuhui, food_court=31, reason="新增一处")

    xuhui.refresh_from_db()
    assert (xuhui.food_court, xuhui.total) == (31, 78)
    assert list(QuotaChange.objects.order_by("id").values_list("old_value", "new_value")) == [
        (33, 30),
        (30, 31),
    ]
    assert AuditEvent.objects.filter(action="quota.adjusted").count() == 2


def test_adjustments_need_a_reason_and_the_city_role(quotas, reference_data):
    xuhui = DistrictQuota.objects.get(year=2022, district_id="310104")
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    with pytest.raises(PermissionDenied):
        adjust_quota(acting_user=officer, quota=xuhui, food_court=1, reason="x")
    with pytest.raises(ValidationError, match="须填写原因"):
        adjust_quota(
            acting_user=UserFactory(role=Role.CITY_OFFICER), quota=xuhui, food_court=1, reason=" "
        )
    assert not QuotaChange.objects.exists()


def test_district_officer_sees_only_its_district(client, quotas):
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310115"))
    client.force_login(officer)

    page = client.get(reverse("mingchu:quota_list")).content.decode()

    assert page.count("data-district=") == 1 and 'data-district="310115"' in page
    xuhui = DistrictQuota.objects.get(year=2022, district_id="310104")
    assert client.get(reverse("mingchu:quota_adjust", args=[xuhui.pk])).status_code == 404


def test_city_page_shows_the_city_totals(client, quotas):
    client.force_login(UserFactory(role=Role.CITY_OFFICER))
    page = client.get(reverse("mingchu:quota_list")).content.decode()
    totals = page[page.index("data-totals") :]
    assert "232" in totals and "768" in totals and "1000" in totals


def test_the_adjustment_history_names_the_figure_in_chinese(client, quotas):
    city = UserFactory(role=Role.CITY_OFFICER)
    xuhui = DistrictQuota.objects.get(year=2022, district_id="310104")
    adjust_quota(acting_user=city, quota=xuhui, food_court=34, reason="新增一处")
    client.force_login(city)

    page = client.get(reverse("mingchu:quota_list")).content.decode()

    assert "美食广场示范店数量 33→34（新增一处）" in page and "food_court" not in page
