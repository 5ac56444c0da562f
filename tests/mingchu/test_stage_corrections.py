"""更正建设进度: a stage advanced in error is put back by the city bureau, with a reason, after
a confirmation; the district cannot; the audit keeps what was removed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mingchu.models import DemoStore, StageChange
from mingchu.services import correct_store_stage, register_demo_store
from portal.models import AuditEvent, District, Role
from tests.factories import UserFactory, advance_store, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(reference_data):
    return UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))


@pytest.fixture
def store(officer, xuhui_clerk):
    licence = issue_food(xuhui_clerk, register(xuhui_clerk, name="上海更正示范餐饮有限公司"))
    store = register_demo_store(
        acting_user=officer, food_licence_number=licence.number, location_type="other",
        expected_completion=datetime.date(2022, 9, 1),
    )  # fmt: skip
    return advance_store(officer, store, times=2)  # 视频对接


def test_city_officer_corrects_a_stage_after_confirming_with_a_reason(client, city, store):
    client.force_login(city)
    url = reverse("mingchu:store_correct", args=[store.pk])
    assert "更正建设进度" in client.get(url).content.decode()

    empty = client.post(url, {"stage": "preparation", "reason": ""})
    assert empty.status_code == 400 and "请填写更正原因" in empty.content.decode()

    confirm = client.post(url, {"stage": "preparation", "reason": "误点了下一阶段"})
    page = confirm.content.decode()
    assert "data-confirmation" in page and "误点了下一阶段" in page and "前期准备" in page
    assert DemoStore.objects.get().stage == "video_link"

    done = client.post(
        url, {"stage": "preparation", "reason": "误点了下一阶段", "confirmed": "1"}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse("mingchu:store_detail", args=[store.pk])
    assert DemoStore.objects.get().stage == "preparation"
    assert list(StageChange.objects.values_list("stage", flat=True)) == ["preparation"]
    event = AuditEvent.objects.get(action="demo_store.stage_corrected")
    assert event.actor == city
    assert event.changes["reason"] == "误点了下一阶段"
    assert event.changes["stage"] == ["video_link", "preparation"]
    assert [row.split()[0] for row in event.changes["removed"]] == ["设备安装", "视频对接"]


def test_the_district_cannot_correct_and_cannot_skip_the_confirmation(client, officer, store):
    with pytest.raises(PermissionDenied):
        correct_store_stage(acting_user=officer, store=store, stage="preparation", reason="x")
    client.force_login(officer)
    assert client.get(reverse("mingchu:store_correct", args=[store.pk])).status_code == 404
    detail = client.get(reverse("mingchu:store_detail", args=[store.pk])).content.decode()
    assert "data-correct-stage" not in detail


def test_a_correction_goes_only_backwards(city, store):
    with pytest.raises(ValidationError, match="只能更正到当前进度"):
        correct_store_stage(acting_user=city, store=store, stage="completed", reason="x")
    with pytest.raises(ValidationError, match="更正原因"):
        correct_store_stage(acting_user=city, store=store, stage="installation", reason=" ")
    assert DemoStore.objects.get().stage == "video_link"
    assert not AuditEvent.objects.filter(action="demo_store.stage_corrected").exists()
