"""Shop-page badges: bound to a platform and a shop, live status, copy warning."""

import pytest

from elicense import services
from elicense.models import Badge, Certificate
from elicense.services.relying_parties import create_relying_party
from licensing import services as register_services
from portal import ratelimit
from tests.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    party, key = create_relying_party(name="美团", peak_qps=100)
    ratelimit.reset(party.pk)
    return party, {"Authorization": f"Bearer {key}"}


@pytest.fixture
def shop(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海公示测试餐饮有限公司")
    for certificate in Certificate.objects.all():
        services.sign_certificate(certificate_id=certificate.pk)
    return entity


def _issue(client, auth, uscc, shop_id="shop-12345"):
    return client.post(
        "/api/v1/badges", {"uscc": uscc, "shop_id": shop_id}, content_type="application/json",
        headers=auth,
    )  # fmt: skip


def test_platform_gets_a_badge_with_a_snippet(client, platform, shop):
    body = _issue(client, platform[1], shop.uscc).json()

    assert body["snippet"].startswith('<a href="') and body["image_url"] in body["snippet"]
    assert _issue(client, platform[1], shop.uscc).json()["badge_id"] == body["badge_id"]
    assert Badge.objects.get().relying_party == platform[0]


def test_badge_image_shows_live_status(client, platform, shop, xuhui_clerk):
    badge_id = _issue(client, platform[1], shop.uscc).json()["badge_id"]
    assert "证照已核验" in client.get(f"/b/{badge_id}.svg").content.decode()

    register_services.revoke_entity(acting_user=xuhui_clerk, entity=shop, reason="吊销")
    image = client.get(f"/b/{badge_id}.svg")

    assert image["Content-Type"] == "image/svg+xml" and "证照异常" in image.content.decode()
    assert 'data-mark-slot="mingchu"' in image.content.decode()


def test_badge_on_its_own_shop_page_links_to_the_holder(client, platform, shop):
    badge_id = _issue(client, platform[1], shop.uscc).json()["badge_id"]

    page = client.get(
        f"/b/{badge_id}/", HTTP_REFERER="https://www.meituan.example/shop/shop-12345", follow=True
    ).content.decode()

    assert "经 美团 店铺 shop-12345 公示" in page and "可能被复制冒用" not in page


def test_badge_copied_to_another_shop_warns(client, platform, shop):
    badge_id = _issue(client, platform[1], shop.uscc).json()["badge_id"]

    page = client.get(
        f"/b/{badge_id}/", HTTP_REFERER="https://www.meituan.example/shop/shop-99999", follow=True
    ).content.decode()

    assert "可能被复制冒用" in page


def test_no_badge_for_an_unknown_holder(client, platform, signing_key):
    assert _issue(client, platform[1], "91350100M000100Y43").status_code == 404


def _demo_store(xuhui_clerk, shop, stages):
    """Make the shop a Xuhui demo store and advance it ``stages`` times."""
    import datetime

    from mingchu.services import register_demo_store
    from portal.models import District, Role
    from tests.factories import UserFactory, advance_store, issue_food

    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    licence = issue_food(xuhui_clerk, shop)
    store = register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 10, 1),
    )  # fmt: skip
    return advance_store(officer, store, times=stages)


def test_badge_of_a_completed_demo_store_shows_the_mingchu_mark(
    client, platform, shop, xuhui_clerk
):
    _demo_store(xuhui_clerk, shop, stages=3)
    badge_id = _issue(client, platform[1], shop.uscc).json()["badge_id"]

    image = client.get(f"/b/{badge_id}.svg")

    svg = image.content.decode()
    assert 'data-mark="mingchu"' in svg and "明厨" in svg and "亮灶" in svg
    assert "明厨亮灶" in svg.split(">", 1)[0]  # the image's accessible name says so too
    assert "max-age=300" in image["Cache-Control"]


def test_badge_of_an_unfinished_demo_store_has_no_mark(client, platform, shop, xuhui_clerk):
    _demo_store(xuhui_clerk, shop, stages=2)
    badge_id = _issue(client, platform[1], shop.uscc).json()["badge_id"]

    svg = client.get(f"/b/{badge_id}.svg").content.decode()

    assert 'data-mark-slot="mingchu"' in svg and 'data-mark="mingchu"' not in svg
    assert "明厨" not in svg


def test_an_idempotency_key_replays_the_badge_and_refuses_another_shop(client, platform, shop):
    keyed = {**platform[1], "Idempotency-Key": "badge-request-1"}

    first = _issue(client, keyed, shop.uscc)
    again = _issue(client, keyed, shop.uscc)
    other_shop = _issue(client, keyed, shop.uscc, shop_id="shop-99999")

    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert other_shop.status_code == 422
    assert other_shop.json()["code"] == "idempotency_key_reused"
    assert Badge.objects.count() == 1
