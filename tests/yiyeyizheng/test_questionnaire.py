"""The public questionnaire (一次告知): only the questions a format needs; shareable answers."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _questions(page: str) -> list[str]:
    return re.findall(r'data-question="([a-z0-9_]+)"', page)


def test_the_format_list_shows_39_formats_by_category_without_login(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("yiyeyizheng:format_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("data-format-seq=") == 39
    assert "第二版" in page and "零售业" in page and "商务服务业" in page
    assert reverse("yiyeyizheng:questionnaire", args=[19]) in page


def test_the_nav_links_the_guide_for_the_public(client, catalogue):
    page = client.get("/").content.decode()
    assert reverse("yiyeyizheng:format_list") in page


def test_a_format_asks_only_the_questions_its_rules_need(client, catalogue):
    mall = client.get(reverse("yiyeyizheng:questionnaire", args=[7])).content.decode()
    assert _questions(mall) == ["area_m2"]
    gallery = client.get(reverse("yiyeyizheng:questionnaire", args=[6])).content.decode()
    assert _questions(gallery) == ["area_m2", "venue", "district"]
    assert "data-decision" not in gallery
    cafe = client.get(reverse("yiyeyizheng:questionnaire", args=[29])).content.decode()
    assert _questions(cafe) == ["sells_food"]
    assert "是否销售食品或提供餐饮服务" in cafe


def test_the_answer_page_lists_each_item_with_its_trace(client, catalogue):
    url = reverse("yiyeyizheng:questionnaire", args=[6])
    response = client.get(url, {"area_m2": "300", "venue": "exhibition_hall", "district": "310115"})
    page = response.content.decode()
    assert 'data-item="公共场所卫生许可" data-decision="required" data-kind="filing"' in page
    assert "场所类型：展览馆 → 展览馆、美术馆须办理 → 须办理" in page
    assert "经营面积 300 平方米 → 经营面积 300 平方米以上须办理（已达到） → 须办理" in page
    assert "区卫生健康部门、区疾控部门" in page and "第二版" in page
    assert "须办理" in page and "备案" in page
    assert "yiyeyizheng/print.css" in page and 'media="print"' in page
    share = re.search(r'href="([^"]+)" data-share', page).group(1).replace("&amp;", "&")
    assert "venue=exhibition_hall" in share and "district=310115" in share
    again = client.get(share).content.decode()
    assert 'data-item="公共场所卫生许可" data-decision="required" data-kind="filing"' in again


def test_the_result_leads_to_an_application_with_the_same_answers(client, catalogue):
    url = reverse("yiyeyizheng:questionnaire", args=[2])
    page = client.get(url, {"answered": "1", "sells_food": "true", "sells_tobacco": "false"})

    apply = re.search(r'href="([^"]+)" data-apply', page.content.decode()).group(1)
    path, query = apply.replace("&amp;", "&").split("?")
    assert path == reverse("yiyeyizheng:application_start", args=[2])
    assert sorted(query.split("&")) == ["sells_food=true", "sells_tobacco=false"]


def test_unanswered_questions_leave_items_optional(client, catalogue):
    url = reverse("yiyeyizheng:questionnaire", args=[1])
    page = client.get(url, {"answered": "1", "sells_food": "true"}).content.decode()
    assert 'data-item="食品经营许可" data-decision="required"' in page
    assert 'data-item="烟草专卖零售许可" data-decision="optional"' in page
    assert "可选（按需）" in page and "未回答“是否销售烟草制品？”" in page


def test_bad_answers_are_form_errors_in_chinese(client, catalogue):
    url = reverse("yiyeyizheng:questionnaire", args=[1])
    page = client.get(url, {"area_m2": "-5", "sells_food": "maybe"}).content.decode()
    assert "经营面积不能为负数" in page
    assert "不是可选的值" in page
    assert "data-decision" not in page


def test_an_unknown_format_is_404(client, catalogue):
    assert client.get(reverse("yiyeyizheng:questionnaire", args=[40])).status_code == 404


def test_without_a_published_catalogue_the_list_says_so(client, reference_data):
    assert "行业目录尚未发布" in client.get(reverse("yiyeyizheng:format_list")).content.decode()
    assert client.get(reverse("yiyeyizheng:questionnaire", args=[1])).status_code == 404


def test_the_boiler_answers_do_not_both_fit_20_tonnes(client, catalogue):
    """ "单台容量 20 吨/小时以上天然气锅炉的须办理": 以上 includes 20 t/h, so the other answer
    must leave it out."""
    page = client.get(reverse("yiyeyizheng:questionnaire", args=[10])).content.decode()
    assert "boiler" in _questions(page)
    assert "单台容量 20 吨/小时以上的天然气锅炉" in page
    assert "单台容量 20 吨/小时以下（不含 20 吨）的天然气锅炉" in page
    assert "20 吨/小时以下的天然气锅炉" not in page
