"""Catalogue administration: drafts editable, published read-only, compare, publish, copy."""

import json

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Department
from tests.factories import UserFactory
from yiyeyizheng import services
from yiyeyizheng.models import CatalogueVersion, FormatItem

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_catalogue")]


@pytest.fixture
def draft(catalogue, administrator):
    return services.copy_version(acting_user=administrator, version=catalogue, edition="第三版草稿")


def _inline_post(business_format, items, rules=None):
    """The admin change form's POST for a format, with its items' inline forms."""
    data = {
        "category": business_format.category,
        "name": business_format.name,
        "lead_department": business_format.lead_department_id,
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        prefix = f"items-{index}-"
        data.update(
            {
                prefix + "id": str(item.pk),
                prefix + "format": str(business_format.pk),
                prefix + "position": str(item.position),
                prefix + "permit_name": item.permit.name,
                prefix + "departments": [d.pk for d in item.departments.all()],
                prefix + "kind": item.kind,
                prefix + "rule": (rules or {}).get(item.pk, json.dumps(item.rule)),
                prefix + "remark": item.remark,
            }
        )
    return data


def test_a_draft_format_is_edited_through_the_services(client, draft, administrator):
    client.force_login(administrator)
    gym = draft.formats.get(seq=24)
    items = list(gym.items.select_related("permit").order_by("position"))
    hygiene = next(i for i in items if i.permit.name == "公共场所卫生许可")
    rule = json.dumps(
        {
            "type": "any",
            "rules": [
                {"type": "venue_feature", "features": ["swimming_pool"]},
                {"type": "area_at_least", "m2": 500},
            ],
        }
    )
    url = reverse("admin:yiyeyizheng_businessformat_change", args=[gym.pk])
    response = client.post(url, _inline_post(gym, items, {hygiene.pk: rule}))
    assert response.status_code == 302, response.content.decode()[:2000]
    hygiene.refresh_from_db()
    assert hygiene.rule["rules"][1] == {"type": "area_at_least", "m2": 500}
    event = AuditEvent.objects.get(action="catalogue.item_changed")
    assert "rule" in event.changes and event.actor == administrator


def test_invalid_rule_json_is_refused_with_a_chinese_error(client, draft, administrator):
    client.force_login(administrator)
    gym = draft.formats.get(seq=24)
    items = list(gym.items.select_related("permit").order_by("position"))
    url = reverse("admin:yiyeyizheng_businessformat_change", args=[gym.pk])
    bad_json = client.post(url, _inline_post(gym, items, {items[0].pk: "{type: always"}))
    assert bad_json.status_code == 200
    assert "规则须为合法的 JSON" in bad_json.content.decode()
    unknown = client.post(
        url, _inline_post(gym, items, {items[0].pk: '{"type": "as_needed", "activity": "x"}'})
    )
    assert "未知的经营活动“x”" in unknown.content.decode()
    assert not AuditEvent.objects.filter(action="catalogue.item_changed").exists()


def test_a_published_version_is_read_only(client, catalogue, administrator):
    client.force_login(administrator)
    supermarket = catalogue.formats.get(seq=1)
    items = list(supermarket.items.select_related("permit").order_by("position"))
    url = reverse("admin:yiyeyizheng_businessformat_change", args=[supermarket.pk])
    page = client.get(url).content.decode()
    assert 'name="items-0-rule"' not in page and 'name="category"' not in page
    client.post(url, _inline_post(supermarket, items, {items[0].pk: '{"type": "always"}'}))
    assert FormatItem.objects.get(pk=items[0].pk).rule == {
        "type": "as_needed",
        "activity": "sells_food",
    }
    with pytest.raises(Exception, match="不能修改"):
        services.set_item_rule(acting_user=administrator, item=items[0], rule={"type": "always"})


def test_copy_compare_and_publish_retire_the_previous_version(client, catalogue, administrator):
    client.force_login(administrator)
    response = client.post(reverse("admin:yiyeyizheng_catalogueversion_copy", args=[catalogue.pk]))
    assert response.status_code == 302
    draft = CatalogueVersion.objects.drafts().get()
    assert draft.based_on == catalogue and draft.formats.count() == 39
    item = FormatItem.objects.get(
        format__version=draft, format__seq=1, permit__name="公共场所卫生许可"
    )
    services.set_item_rule(
        acting_user=administrator, item=item, rule={"type": "area_at_least", "m2": 500}
    )
    services.remove_format_item(
        acting_user=administrator,
        item=FormatItem.objects.get(
            format__version=draft, format__seq=2, permit__name="烟草专卖零售许可"
        ),
    )
    services.add_format_item(
        acting_user=administrator,
        business_format=draft.formats.get(seq=2),
        permit_name="新的备案事项",
        departments=[Department.objects.get(pk="samr_district")],
        kind="filing",
        rule={"type": "always"},
    )
    page = client.get(
        reverse("admin:yiyeyizheng_catalogueversion_compare", args=[draft.pk])
    ).content.decode()
    assert "1. 超市：公共场所卫生许可" in page and "经营面积达到 500 平方米以上须办理" in page
    assert "{&#x27;type&#x27;" not in page and "area_at_least" not in page  # no dict reprs
    assert 'data-compare="items_removed"' in page and "2. 便利店：烟草专卖零售许可" in page
    assert 'data-compare="items_added"' in page and "2. 便利店：新的备案事项" in page
    assert 'data-compare="formats_added"' not in page

    publish = reverse("admin:yiyeyizheng_catalogueversion_publish", args=[draft.pk])
    confirm = client.get(publish).content.decode()
    assert "data-confirmation" in confirm and "不能撤回" in confirm
    assert 'data-compare="items_added"' in confirm and "新的备案事项" in confirm
    client.post(publish)  # not confirmed: nothing is published
    assert CatalogueVersion.current() == catalogue
    client.post(publish, {"confirmed": "1"})
    catalogue.refresh_from_db()
    draft.refresh_from_db()
    assert (catalogue.status, draft.status) == ("retired", "published")
    assert CatalogueVersion.current() == draft and draft.published_by == administrator
    assert catalogue.formats.get(seq=1).items.get(permit__name="公共场所卫生许可").rule == {
        "type": "area_at_least",
        "m2": 1000,
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "catalogue.copied",
        "catalogue.published",
        "catalogue.retired",
        "catalogue.item_removed",
        "catalogue.item_added",
    } <= actions


def test_the_version_change_page_lists_formats_and_buttons(client, catalogue, administrator):
    client.force_login(administrator)
    page = client.get(
        reverse("admin:yiyeyizheng_catalogueversion_change", args=[catalogue.pk])
    ).content.decode()
    assert "复制为新草稿" in page and "与已发布版本比较" in page
    assert "画廊/艺术品展览馆" in page
    assert ">发布</button>" not in page


def test_an_unchanged_copy_compares_empty_and_a_draft_cannot_be_published_empty(
    client, draft, administrator
):
    client.force_login(administrator)
    page = client.get(
        reverse("admin:yiyeyizheng_catalogueversion_compare", args=[draft.pk])
    ).content.decode()
    assert "data-compare-empty" in page
    empty = CatalogueVersion.objects.create(edition="空草稿")
    with pytest.raises(Exception, match="没有经营业态"):
        services.publish_version(acting_user=administrator, version=empty)


def test_only_administrators_maintain_the_catalogue(catalogue):
    clerk_user = UserFactory(role="city_officer")
    with pytest.raises(Exception, match="只有系统管理员"):
        services.copy_version(acting_user=clerk_user, version=catalogue)


def test_a_draft_can_be_discarded_but_not_a_published_version(draft, catalogue, administrator):
    services.discard_draft(acting_user=administrator, version=draft)
    assert not CatalogueVersion.objects.filter(pk=draft.pk).exists()
    with pytest.raises(Exception, match="不能修改"):
        services.discard_draft(acting_user=administrator, version=catalogue)


def test_an_item_is_added_and_another_removed_in_the_admin(client, draft, administrator):
    client.force_login(administrator)
    gym = draft.formats.get(seq=24)
    items = list(gym.items.select_related("permit").order_by("position"))
    data = _inline_post(gym, items)
    data["items-0-DELETE"] = "on"
    data.update(
        {
            "items-TOTAL_FORMS": str(len(items) + 1),
            "items-3-format": str(gym.pk),
            "items-3-position": "9",
            "items-3-permit_name": "食品经营许可",
            "items-3-departments": ["samr_district"],
            "items-3-kind": "licence",
            "items-3-rule": '{"type": "as_needed", "activity": "sells_food"}',
            "items-3-remark": "按需办理",
        }
    )
    url = reverse("admin:yiyeyizheng_businessformat_change", args=[gym.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    names = list(gym.items.order_by("position").values_list("permit__name", flat=True))
    assert names == ["公共场所卫生许可", "公众聚集场所投入使用、营业前消防安全检查", "食品经营许可"]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "catalogue.item_added" in actions and "catalogue.item_removed" in actions


def test_a_repeated_permit_in_the_inline_is_refused(client, draft, administrator):
    client.force_login(administrator)
    gym = draft.formats.get(seq=24)
    items = list(gym.items.select_related("permit").order_by("position"))
    data = _inline_post(gym, items)
    data["items-1-permit_name"] = items[0].permit.name
    response = client.post(reverse("admin:yiyeyizheng_businessformat_change", args=[gym.pk]), data)
    assert response.status_code == 200
    assert f"事项名称“{items[0].permit.name}”重复" in response.content.decode()


def test_no_delete_is_offered_on_a_published_version(client, catalogue, administrator):
    client.force_login(administrator)
    listing = client.get(reverse("admin:yiyeyizheng_catalogueversion_changelist"))
    assert "delete_selected" not in listing.content.decode()
    page = client.get(reverse("admin:yiyeyizheng_catalogueversion_change", args=[catalogue.pk]))
    assert reverse("admin:yiyeyizheng_catalogueversion_delete", args=[catalogue.pk]) not in (
        page.content.decode()
    )
    assert (
        client.post(
            reverse("admin:yiyeyizheng_catalogueversion_delete", args=[catalogue.pk]),
            {"post": "yes"},
        ).status_code
        == 403
    )
    assert CatalogueVersion.objects.filter(pk=catalogue.pk).exists()


def _fields_post(business_format, items, item, parts):
    """The inline POST with ``item``'s rule given as the editor's fields, not JSON."""
    data = _inline_post(business_format, items)
    index = items.index(item)
    del data[f"items-{index}-rule"]
    for part, value in parts.items():
        data[f"items-{index}-rule_{part}"] = value
    return data


def test_a_rule_is_edited_with_fields_for_its_type_without_json(client, draft, administrator):
    client.force_login(administrator)
    supermarket = draft.formats.get(seq=1)
    items = list(supermarket.items.select_related("permit").order_by("position"))
    hygiene = next(i for i in items if i.permit.name == "公共场所卫生许可")
    url = reverse("admin:yiyeyizheng_businessformat_change", args=[supermarket.pk])
    page = client.get(url).content.decode()
    index = items.index(hygiene)
    assert f'name="items-{index}-rule_0"' in page and "面积达到（平方米）" in page
    assert '<option value="area_at_least" selected>' in page  # the current rule, as fields

    missing = client.post(url, _fields_post(supermarket, items, hygiene, {0: "area_at_least"}))
    assert "请填写面积（平方米）" in missing.content.decode()
    bad = client.post(
        url, _fields_post(supermarket, items, hygiene, {0: "area_at_least", 2: "三百"})
    )
    assert "面积须为数字" in bad.content.decode()
    assert not AuditEvent.objects.filter(action="catalogue.item_changed").exists()

    done = client.post(
        url, _fields_post(supermarket, items, hygiene, {0: "area_at_least", 2: "500"})
    )
    assert done.status_code == 302
    hygiene.refresh_from_db()
    assert hygiene.rule == {"type": "area_at_least", "m2": 500}

    client.post(
        url,
        _fields_post(
            supermarket, items, hygiene,
            {0: "venue_feature", 3: ["sauna", "swimming_pool"], 5: ["310115"]},
        ),
    )  # fmt: skip
    hygiene.refresh_from_db()
    assert hygiene.rule == {
        "type": "filing_in_districts",
        "districts": ["310115"],
        "rule": {"type": "venue_feature", "features": ["sauna", "swimming_pool"]},
    }
