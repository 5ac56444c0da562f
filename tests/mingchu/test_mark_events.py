"""The 明厨亮灶 mark on a holder's shop-page badge is a change platforms hear about (issue
17): the store reaching 完成建设 writes one ``mark_gained`` event, in the same transaction."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from elicense.models import ChangeEvent
from mingchu.models import Stage
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, staged_demo_stores

pytestmark = pytest.mark.django_db


def test_a_store_completing_construction_gains_the_mark_once(
    reference_data, xuhui_clerk, time_machine
):
    time_machine.move_to(
        datetime.datetime(2022, 9, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    )
    officer = UserFactory(role=Role.DISTRICT_OFFICER, district=District.objects.get(code="310104"))
    stores = staged_demo_stores(officer, xuhui_clerk)
    ChangeEvent.objects.all().delete()  # the licences' own events are not this test's story
    almost = next(s for s in stores if s.next_stage() == Stage.COMPLETED)

    advance_store(officer, almost)

    marks = ChangeEvent.objects.filter(event_type="mark_gained")
    assert [(e.uscc, e.kind, e.number, e.state) for e in marks] == [
        (almost.holder_uscc, "mingchu_mark", almost.food_licence_number, "valid")
    ]
    assert not ChangeEvent.objects.exclude(event_type="mark_gained").exists()
