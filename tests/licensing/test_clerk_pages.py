"""The window clerk's pages: scope, bad input, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from licensing.models import MarketEntity
from portal.models import AuditEvent
from tests.factories import RegistrationFactory, enterprise_user, issue_food, register

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = RegistrationFactory(**overrides)
    data["established_on"] = data["established_on"].isoformat()
    data["operating_period_to"] = ""
    return data


def test_clerk_registers_through_the_page(client, xuhui_clerk):
    client.force_login(xuhui_clerk)

    response = client.post(reverse("licensing:entity_create"), _form_data(), follow=True)

    entity = MarketEntity.objects.get()
    assert response.redirect_chain[-1][0] == reverse("licensing:entity_detail", args=[entity.pk])
    assert "已登记" in response.content.decode()
    assert entity.district_id == "310104"


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91310104MA1FL8KQ5", "应为18位"),
        ("91310104MA1FL8KQ5I", "不使用I、O、S、V、Z"),
        ("", "请输入统一社会信用代码"),
    ],
)
def test_malformed_uscc_is_a_chinese_field_error(client, xuhui_clerk, uscc, message):
    client.force_login(xuhui_clerk)

    response = client.post(reverse("licensing:entity_create"), _form_data(uscc=uscc))

    assert response.status_code == 200
    assert message in str(response.context["form"].errors.get("uscc", ""))
    assert not MarketEntity.objects.exists()
    assert not AuditEvent.objects.exists()


def test_duplicate_uscc_on_the_page_is_a_field_error(client, xuhui_clerk):
    existing = register(xuhui_clerk)
    client.force_login(xuhui_clerk)

    response = client.post(reverse("licensing:entity_create"), _form_data(uscc=existing.uscc))

    assert response.status_code == 200
    assert "该统一社会信用代码已登记" in response.context["form"].errors["uscc"][0]
    assert MarketEntity.objects.count() == 1


def test_full_width_lower_case_uscc_is_normalised(client, xuhui_clerk):
    uscc = RegistrationFactory()["uscc"]
    typed = " " + "".join(chr(ord(c) + 0xFEE0) for c in uscc.lower()) + " "
    client.force_login(xuhui_clerk)

    client.post(reverse("licensing:entity_create"), _form_data(uscc=typed))

    assert MarketEntity.objects.get().uscc == uscc


@pytest.mark.parametrize(
    "url_name",
    ["licensing:entity_detail", "licensing:entity_change", "licensing:entity_end",
     "licensing:food_licence_create"],
)  # fmt: skip
def test_another_districts_entity_answers_404(client, xuhui_clerk, huangpu_clerk, url_name):
    entity = register(huangpu_clerk)
    client.force_login(xuhui_clerk)

    assert client.get(reverse(url_name, args=[entity.pk])).status_code == 404
    assert client.post(reverse(url_name, args=[entity.pk]), {"reason": "x"}).status_code == 404


def test_another_districts_food_licence_answers_404(client, xuhui_clerk, huangpu_clerk):
    licence = issue_food(huangpu_clerk, register(huangpu_clerk))
    client.force_login(xuhui_clerk)

    url = reverse("licensing:food_licence_cancel", args=[licence.pk])
    assert client.post(url, {"reason": "越权注销"}).status_code == 404
    licence.refresh_from_db()
    assert licence.status == "active"


def test_search_finds_by_uscc_name_and_food_licence_number(client, xuhui_clerk):
    target = register(xuhui_clerk, name="上海春申小笼餐饮有限公司")
    register(xuhui_clerk, name="上海别家餐饮有限公司")
    licence = issue_food(xuhui_clerk, target)
    client.force_login(xuhui_clerk)

    for query in (target.uscc, target.uscc.lower(), "春申小笼", licence.number):
        page = client.get(reverse("licensing:entity_list"), {"q": query}).context["page"]
        assert [e.pk for e in page] == [target.pk], query


def test_malformed_licence_number_in_search_is_explained(client, xuhui_clerk):
    client.force_login(xuhui_clerk)

    response = client.get(reverse("licensing:entity_list"), {"q": "JY2310104000001X"})

    assert "许可证" in str(response.context["form"].errors["q"])
    assert list(response.context["page"]) == []


def _entity_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("licensing:entity_list")).status_code == 200
    return len(queries)


def test_entity_list_runs_a_constant_number_of_queries(client, xuhui_clerk):
    client.force_login(xuhui_clerk)
    issue_food(xuhui_clerk, register(xuhui_clerk))
    few = _entity_list_queries(client)

    for _ in range(12):
        issue_food(xuhui_clerk, register(xuhui_clerk))

    assert _entity_list_queries(client) == few


def test_enterprise_user_sees_only_its_own_entity_read_only(client, xuhui_clerk):
    own, other = register(xuhui_clerk), register(xuhui_clerk)
    user = enterprise_user(own)
    client.force_login(user)

    response = client.get(reverse("licensing:my_entity"), follow=True)
    assert response.context["entity"] == own
    assert not response.context["can_manage"]
    assert client.get(reverse("licensing:entity_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("licensing:entity_change", args=[own.pk])).status_code == 404


def test_enterprise_home_shows_its_licences(client, xuhui_clerk):
    entity = register(xuhui_clerk)
    licence = issue_food(xuhui_clerk, entity)
    client.force_login(enterprise_user(entity))

    page = client.get(reverse("portal:home")).content.decode()

    assert "本企业证照" in page and entity.uscc in page and licence.number in page
    assert "设立登记" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"registered_capital": "-5"}, "registered_capital", "应大于0"),
        ({"established_on": "2999-01-01"}, "established_on", "不能晚于今天"),
        ({"established_on": "2021-13-45"}, "established_on", "日期"),
        ({"operating_period_to": "2001-01-01"}, "operating_period_to", "不能早于成立日期"),
        ({"name": "店"}, "name", "名称过短"),
        ({"entity_type": "llc_martian"}, "entity_type", "选择一个有效的选项"),
    ],
)
def test_bad_registration_input_is_a_chinese_field_error(
    client, xuhui_clerk, overrides, field, message
):
    client.force_login(xuhui_clerk)

    response = client.post(reverse("licensing:entity_create"), {**_form_data(), **overrides})

    assert message in str(response.context["form"].errors[field])
    assert not MarketEntity.objects.exists()
