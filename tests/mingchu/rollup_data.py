"""Demo stores at chosen stages in chosen districts, made through the real services."""

import datetime

from mingchu.services import connect_platform, register_demo_store
from portal.models import District, Role
from tests.factories import UserFactory, advance_store, clerk, issue_food, register

#: Districts of the stories below.
XUHUI, HUANGPU, JINGAN, PUDONG = "310104", "310101", "310106", "310115"


def officer_of(code: str):
    return UserFactory(
        role=Role.DISTRICT_OFFICER,
        district=District.objects.get(code=code),
        username=f"officer_{code}",
    )


def demo_stores(code: str, stages: list[int], *, connect_early: int = 0):
    """One store per entry of ``stages``, advanced that many times; the first
    ``connect_early`` stores at 视频对接 are also connected to a platform (not completed)."""
    officer, window = officer_of(code), clerk(code, username=f"clerk_{code}")
    stores = []
    for times in stages:
        licence = issue_food(window, register(window))
        store = register_demo_store(
            acting_user=officer, food_licence_number=licence.number,
            location_type="other", expected_completion=datetime.date(2022, 10, 1),
        )  # fmt: skip
        store = advance_store(officer, store, times=times)
        if times == 2 and connect_early > 0:
            connect_platform(
                acting_user=officer, store=store, platform="饿了么",
                shop_id=f"ELM{store.pk}", connected_on=datetime.date(2022, 9, 5),
            )  # fmt: skip
            connect_early -= 1
        stores.append(store)
    return stores
