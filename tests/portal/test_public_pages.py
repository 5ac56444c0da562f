"""The public face: a home page of service tiles by audience, help, contact (12315), privacy
and accessibility pages linked from every footer, which names the bureau's portal; a favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_home_page_offers_services_by_audience(client):
    page = client.get("/")
    html = page.content.decode()

    audiences = [tile.audience for tile in page.context["tiles"]]
    assert audiences == ["企业", "公众", "平台", "工作人员"]
    for audience in audiences:
        assert f'data-audience="{audience}"' in html
    tiles = {tile.audience: [link["url"] for link in tile.links] for tile in page.context["tiles"]}
    assert reverse("yiyeyizheng:format_list") in tiles["企业"]
    assert reverse("yiyeyizheng:progress") in tiles["企业"]
    assert reverse("mingchu:public_store_list") in tiles["公众"]
    assert reverse("elicense:access_apply") in tiles["平台"]
    assert reverse("portal:password_reset") in tiles["工作人员"]


@pytest.mark.parametrize(
    "name, text",
    [
        ("help", "长辈模式"),
        ("contact", "12315"),
        ("privacy", "个人信息"),
        ("accessibility", "WCAG"),
    ],
)
def test_every_page_footer_links_the_public_pages(client, name, text):
    url = reverse(f"portal:{name}")
    page = client.get(url).content.decode()
    assert text in page
    footer = client.get(reverse("portal:login")).content.decode().split("<footer")[1]
    assert f'href="{url}"' in footer
    assert "上海市市场监督管理局 政务服务门户" in footer and "联动系统" not in footer


def test_the_favicon_is_our_own(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url.endswith("portal/favicon.ico")
    path = finders.find("portal/favicon.ico")
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert finders.find("portal/favicon.svg")
