"""Demo stores for ``make run``: selected from the seeded register, at every stage.

Called by ``seed_demo`` (the ``demo`` app on top, which imports this seeder). Idempotent:
licences already selected are left alone; everything goes through the mingchu services.
"""

import datetime
import itertools

from django.core.management import BaseCommand
from django.db import transaction

from licensing.models import FoodLicence, FoodLicenceStatus, FoodSubjectType
from licensing.services.demo import DISTRICT_SLUGS
from mingchu import services
from mingchu.models import CityRollup, DemoStore, LocationType, Stage
from mingchu.services.rollups import build_city_rollup
from portal.models import Role, User

#: The stage each new store reaches, in turn, so every stage shows on the pages.
STAGES = [Stage.COMPLETED, Stage.VIDEO_LINK, Stage.INSTALLATION, Stage.COMPLETED, Stage.PREPARATION]
CAMERAS = [
    ("凉菜专间", ["special_room"]),
    ("热厨操作间", ["cooking", "preparation"]),
    ("洗消间", ["dishwashing", "serving"]),
]
PLATFORMS = ["美团外卖", "饿了么"]
YEAR = 2022
#: The month each stage was reached in the demo year, so the dashboards' monthly trend of
#: 2022 shows the project's progress (选点 in spring, cameras in July, platforms in September).
STAGE_MONTHS = {
    Stage.PREPARATION: 4,
    Stage.INSTALLATION: 6,
    Stage.VIDEO_LINK: 8,
    Stage.COMPLETED: 10,
}


#: The delivery platforms the demo operators sell on (the plan's focus: 入网餐饮服务经营者).
DEMO_PLATFORMS = (["meituan"], ["eleme"], ["meituan", "eleme"])


class Command(BaseCommand):
    help = "Select demo stores (示范店) in every district and advance them through the stages."

    def add_arguments(self, parser):
        parser.add_argument("--per-district", type=int, default=3)

    def handle(self, *args, per_district, **options):
        officers = {
            user.district_id: user
            for user in User.objects.filter(
                role=Role.DISTRICT_OFFICER,
                username__in=[f"officer_{s}" for s in DISTRICT_SLUGS.values()],
            )
        }
        taken = set(
            DemoStore.objects.filter(year=YEAR).values_list("food_licence_number", flat=True)
        )
        licences = (
            FoodLicence.objects.current()
            .filter(
                status=FoodLicenceStatus.ACTIVE,
                subject_type__in=[FoodSubjectType.CATERING, FoodSubjectType.CANTEEN],
                district_id__in=list(officers),
            )
            .order_by("district_id", "id")
        )
        created = 0
        for district_id, group in itertools.groupby(
            licences, key=lambda licence: licence.district_id
        ):
            selected = DemoStore.objects.filter(year=YEAR, district_id=district_id).count()
            for licence in group:
                if selected >= per_district:
                    break
                if licence.number in taken:
                    continue
                self._seed_store(officers[district_id], licence, STAGES[created % len(STAGES)])
                selected += 1
                created += 1
        if not CityRollup.objects.filter(year=YEAR, month=12).exists():
            # The year-end summary, as the monthly run would have built it: 全市汇总 opens on it.
            build_city_rollup(year=YEAR, month=12)
        if options["verbosity"]:
            self.stdout.write(
                f"明厨亮灶示范店 {DemoStore.objects.count()} 家（本次新增 {created} 家）。"
            )

    @transaction.atomic
    def _seed_store(self, officer, licence, target) -> None:
        index = licence.pk
        store = services.register_demo_store(
            acting_user=officer,
            food_licence_number=licence.number,
            location_type=LocationType.FOOD_COURT if index % 4 == 0 else LocationType.OTHER,
            expected_completion=datetime.date(YEAR, 8 + index % 5, 1),
            year=YEAR,
            selected_on=datetime.date(YEAR, STAGE_MONTHS[Stage.PREPARATION], 1 + index % 28),
            on_delivery_platform=index % 5 != 4,
            delivery_platforms=DEMO_PLATFORMS[index % 3] if index % 5 != 4 else [],
        )
        while store.stage != target:
            if store.next_stage() == Stage.VIDEO_LINK:
                for position, points in CAMERAS[: 1 + index % len(CAMERAS)]:
                    services.add_camera(
                        acting_user=officer,
                        store=store,
                        position=position,
                        control_points=points,
                        installed_on=datetime.date(YEAR, 7, 1 + index % 28),
                    )
            if store.next_stage() == Stage.COMPLETED:
                services.connect_platform(
                    acting_user=officer,
                    store=store,
                    platform=PLATFORMS[index % len(PLATFORMS)],
                    shop_id=f"SH{licence.number[-8:]}",
                    connected_on=datetime.date(YEAR, 9, 1 + index % 28),
                )
                services.set_video_stream(
                    acting_user=officer,
                    store=store,
                    url=f"https://video.example.cn/mingchu/{licence.number}.m3u8",
                )
            on = datetime.date(YEAR, STAGE_MONTHS[store.next_stage()], 1 + index % 28)
            store = services.advance_store_stage(acting_user=officer, store=store, on=on)
