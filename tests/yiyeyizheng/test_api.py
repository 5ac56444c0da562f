"""The public catalogue API: no key, typed answers, 422 naming the parameter, 404."""

import pytest
from django.urls import reverse

from yiyeyizheng.models.questions import ACTIVITIES

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalogue/formats"


def test_the_formats_of_the_published_catalogue_without_a_key(client, catalogue):
    response = client.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 39
    assert body[0] == {
        "seq": 1,
        "category": "零售业",
        "name": "超市",
        "lead_department": "市市场监管局",
    }
    assert body[-1]["name"] == "经营性人力资源服务机构"


def test_the_format_list_runs_a_constant_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert client.get(BASE).status_code == 200


def test_requirements_of_a_gallery_in_pudong(client, catalogue):
    response = client.get(
        f"{BASE}/6/requirements",
        {"venue": "exhibition_hall", "district": "310115", "area_m2": "299.9"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["edition"] == "第二版"
    assert body["format"] == {
        "seq": 6,
        "category": "零售业",
        "name": "画廊/艺术品展览馆",
        "lead_department": "市文化旅游局",
    }
    items = {item["name"]: item for item in body["items"]}
    assert items["公共场所卫生许可"] == {
        "name": "公共场所卫生许可",
        "department": "区卫生健康部门、区疾控部门",
        "kind": "filing",
        "decision": "required",
        "reason": "场所类型：展览馆 → 展览馆、美术馆须办理 → 须办理；"
        "所在区：浦东新区 → 浦东新区、奉贤区取消许可，改为备案 → 备案",
    }
    assert items["艺术品经营备案"]["kind"] == "filing"
    assert items["公众聚集场所投入使用、营业前消防安全检查"]["decision"] == "not_required"


def test_an_unanswered_conditional_item_is_optional_naming_the_missing_answer(client, catalogue):
    body = client.get(f"{BASE}/1/requirements", {"sells_food": "true"}).json()
    items = {item["name"]: item for item in body["items"]}
    assert items["食品经营许可"]["decision"] == "required"
    assert items["烟草专卖零售许可"]["decision"] == "optional"
    assert "未回答“是否销售烟草制品？”" in items["烟草专卖零售许可"]["reason"]
    assert items["公众聚集场所投入使用、营业前消防安全检查"]["decision"] == "optional"
    assert "经营面积" in items["公众聚集场所投入使用、营业前消防安全检查"]["reason"]


@pytest.mark.parametrize(
    ("query", "code", "named"),
    [
        ({"colour": "red"}, "unknown_parameter", "colour"),
        ({"area_m2": "-1"}, "invalid_parameter", "area_m2"),
        ({"area_m2": "0"}, "invalid_parameter", "area_m2"),
        ({"area_m2": "lots"}, "invalid_parameter", "area_m2"),
        ({"district": "310199"}, "invalid_parameter", "district"),
        ({"district": "110101"}, "invalid_parameter", "district"),
        ({"has_pool": "maybe"}, "invalid_parameter", "has_pool"),
        ({"has_sauna": "2"}, "invalid_parameter", "has_sauna"),
        ({"venue": "stadium"}, "invalid_parameter", "venue"),
        ({"boiler": "wood"}, "invalid_parameter", "boiler"),
        ({"sells_tobacco": "yes"}, "invalid_parameter", "sells_tobacco"),
    ],
)
def test_unknown_parameters_and_bad_values_answer_422_naming_the_parameter(
    client, catalogue, query, code, named
):
    response = client.get(f"{BASE}/19/requirements", query)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code and named in body["message"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"venue": "exhibition_hall", "district": "310115", "area_m2": "299.9"},
        {"sells_food": "true", "sells_tobacco": "false", "boiler": "gas_20t_plus"},
    ],
)
def test_the_requirements_answer_built_directly_equals_its_schema(client, catalogue, query):
    """Issue 15: the JSON is built by hand; it must be exactly what ``RequirementsOut``
    says, and the OpenAPI document still describes it with that schema."""
    from yiyeyizheng.api import RequirementsOut

    for seq in (1, 6, 19):
        response = client.get(f"{BASE}/{seq}/requirements", query)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert body == RequirementsOut.model_validate(body).model_dump(mode="json")
        assert body["format"]["seq"] == seq and body["items"]
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/catalogue/formats/{seq}/requirements"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RequirementsOut"
    }
    component = schema["components"]["schemas"]
    assert set(component["RequirementsOut"]["properties"]) == {"format", "edition", "items"}
    assert set(component["ItemOut"]["properties"]) == {
        "name", "department", "kind", "decision", "reason",
    }  # fmt: skip


def test_only_the_answered_questions_are_cleaned_and_the_rest_stay_unanswered(client, catalogue):
    """A lookup answering one question decides as the page does with the others blank."""
    query = {"sells_food": "true"}
    api = {
        i["name"]: i["decision"]
        for i in client.get(f"{BASE}/1/requirements", query).json()["items"]
    }
    blank = {"area_m2": "", "district": "", "venue": "", "boiler": "", **query}
    with_blanks = {
        i["name"]: i["decision"]
        for i in client.get(f"{BASE}/1/requirements", blank).json()["items"]
    }
    assert api == with_blanks
    assert api["食品经营许可"] == "required" and api["烟草专卖零售许可"] == "optional"


def test_an_unknown_format_is_404(client, catalogue):
    response = client.get(f"{BASE}/40/requirements")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_no_published_catalogue_is_404(client, reference_data):
    assert client.get(BASE).status_code == 404


def test_the_openapi_schema_documents_every_parameter(client, catalogue):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/catalogue/formats/{seq}/requirements"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    expected = {
        "seq",
        "area_m2",
        "district",
        "has_pool",
        "has_sauna",
        "venue",
        "boiler",
        *ACTIVITIES,
    }
    assert set(parameters) == expected
    for name in expected - {"seq"}:
        assert parameters[name]["description"], name
    assert parameters["district"]["schema"]["enum"][0] == "310101"
    assert len(parameters["district"]["schema"]["enum"]) == 16
    assert parameters["area_m2"]["schema"] == {"type": "number", "exclusiveMinimum": 0}
    assert parameters["venue"]["schema"]["enum"] == [
        "dance_hall",
        "arcade",
        "exhibition_hall",
        "art_museum",
        "other",
    ]
    assert "security" not in operation or operation["security"] in ([], [{}])
    listing = schema["paths"]["/api/v1/catalogue/formats"]["get"]
    assert "security" not in listing or listing["security"] in ([], [{}])


def test_the_page_and_the_api_agree(client, catalogue):
    query = {"area_m2": "300", "has_sauna": "false", "boiler": "gas_20t_plus"}
    api = {
        i["name"]: i["decision"]
        for i in client.get(f"{BASE}/19/requirements", query).json()["items"]
    }
    page = client.get(reverse("yiyeyizheng:questionnaire", args=[19]), query).content.decode()
    for name, decision in api.items():
        assert f'data-item="{name}" data-decision="{decision}"' in page


def test_requirements_read_the_published_catalogue_once_per_process(
    client, catalogue, administrator, django_assert_num_queries
):
    """ADR 0024: a published version is immutable, so the lookup reads it once; publishing
    another is seen by the very next lookup (the invalidation channel)."""
    from yiyeyizheng.services.catalogue import copy_version, publish_version

    url = f"{BASE}/6/requirements"
    assert client.get(url, {"venue": "exhibition_hall"}).json()["edition"] == "第二版"
    with django_assert_num_queries(0):
        again = client.get(url, {"venue": "exhibition_hall", "district": "310115"})
    assert again.status_code == 200 and len(again.json()["items"]) >= 1

    draft = copy_version(acting_user=administrator, version=catalogue, edition="第三版")
    publish_version(acting_user=administrator, version=draft)

    assert client.get(url, {"venue": "exhibition_hall"}).json()["edition"] == "第三版"
