"""Load reference data and a realistic demo register, then every app's demo data through
that app's own seeder; safe to run again (idempotent).

The ``demo`` app sits on top with ``config`` (ADR 0020): it may import every app, so the
seeders of 明厨亮灶 and 一业一证 are named by import, not by a command name in a string."""

import datetime
import io

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.utils import timezone

from elicense.models import Authorisation, Matter
from elicense.services.authorisations import grant_authorisation
from licensing import services
from licensing.models import FoodLicence, MarketEntity
from licensing.services.demo import DISTRICT_SLUGS, DemoEntity, demo_entities
from mingchu.management.commands.seed_mingchu_demo import Command as SeedMingchuDemo
from portal.models import Department, District, Role, User
from yiyeyizheng.management.commands.seed_yiyeyizheng_demo import Command as SeedYiyeyizhengDemo

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - documented demo password, DEBUG only


class Command(BaseCommand):
    help = "Load districts, departments, demo users and about 200 demo market entities."

    def add_arguments(self, parser):
        parser.add_argument("--entities", type=int, default=200)
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也写入演示数据（演示账户使用公开密码，切勿用于生产）",
        )

    def handle(self, *args, entities, quiet, force, **options):
        if not (settings.DEBUG or settings.LOCAL_SECRETS) and not force:
            raise CommandError(
                "DEBUG 已关闭，拒绝写入演示数据：演示账户使用公开密码，不得进入生产环境。"
                "确需在非调试环境演示时，请加 --force。"
            )
        # The steps' own lines (a new key id, the catalogue import's notes for administrators)
        # are details: shown with -v 2, otherwise summed up in plain words below.
        detail = self.stdout if options.get("verbosity", 1) >= 2 else io.StringIO()
        call_command(
            "loaddata", "districts", "departments", "matters", "mingchu_quotas_2022", verbosity=0
        )
        keys = io.StringIO()
        call_command("elicense_keys", "create", "--if-missing", stdout=keys)
        detail.write(keys.getvalue())
        users = self._users()
        created = 0
        for spec in demo_entities(entities):
            if not MarketEntity.objects.filter(uscc=spec.uscc).exists():
                self._register(spec, users[f"clerk_{DISTRICT_SLUGS[spec.district_code]}"])
                created += 1
        self._bind_enterprise_users()
        expired = services.expire_food_licences()
        call_command("certify_register", verbosity=0)
        mingchu = io.StringIO()
        call_command(SeedMingchuDemo(), stdout=mingchu)
        yiyeyizheng = io.StringIO()
        call_command(SeedYiyeyizhengDemo(), stdout=yiyeyizheng)
        detail.write(mingchu.getvalue() + yiyeyizheng.getvalue())
        if not quiet:
            self._report(
                created,
                expired,
                new_key="created" in keys.getvalue(),
                more=[_last_line(mingchu), _last_line(yiyeyizheng)],
            )

    def _users(self) -> dict[str, User]:
        users = {}
        districts = list(District.objects.all())
        specs = [
            ("admin", Role.ADMINISTRATOR, "系统管理员", {}),
            ("city", Role.CITY_OFFICER, "市局 王建国", {}),
        ]
        for district in districts:
            slug = DISTRICT_SLUGS[district.code]
            specs.append(
                (
                    f"clerk_{slug}",
                    Role.WINDOW_CLERK,
                    f"{district.short_name}窗口 张敏",
                    {"district": district},
                )
            )
            specs.append(
                (
                    f"officer_{slug}",
                    Role.DISTRICT_OFFICER,
                    f"{district.short_name}区局 李强",
                    {"district": district},
                )
            )
        department = Department.objects.filter(level="city").order_by("sort_order").first()
        if department:
            specs.append(
                ("reviewer", Role.DEPARTMENT_REVIEWER, "审批部门 陈静", {"department": department})
            )
        for username, role, full_name, bindings in specs:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, role=role, full_name=full_name, **bindings)
                user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
            users[username] = user
        return users

    @transaction.atomic
    def _register(self, spec: DemoEntity, clerk: User) -> None:
        entity = services.register_entity(
            acting_user=clerk, district=clerk.district, **spec.registration
        )
        if spec.food is not None:
            services.issue_food_licence(acting_user=clerk, entity=entity, **spec.food)

    def _bind_enterprise_users(self) -> None:
        """The legal representative and an agent of a Xuhui restaurant with a food licence."""
        licence = (
            FoodLicence.objects.filter(district_id="310104", subject_type=2, status="active")
            .select_related("entity")
            .order_by("id")
            .first()
        )
        if licence is None:
            return
        entity = licence.entity
        for username, capacity, full_name in [
            ("ent_legal", "legal_representative", entity.legal_person_name),
            ("ent_agent", "agent", "经办人 周婷"),
        ]:
            if not User.objects.filter(username=username).exists():
                user = User(
                    username=username,
                    role=Role.ENTERPRISE,
                    full_name=full_name,
                    entity_uscc=entity.uscc,
                    enterprise_capacity=capacity,
                )
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
        legal, agent = (
            User.objects.get(username="ent_legal"),
            User.objects.get(username="ent_agent"),
        )
        if not Authorisation.objects.filter(agent=agent).exists():
            now = timezone.now()
            grant_authorisation(
                acting_user=legal,
                agent=agent,
                scope=Matter.objects.get(path="电子政务/市场监管"),
                valid_from=now,
                valid_to=now + datetime.timedelta(days=365),
            )

    def _report(self, created, expired, *, new_key: bool, more: list[str]):
        """What the demo holds now, in plain words; safe to read on every run."""
        write = self.stdout.write
        write("演示数据已就绪（可重复运行：已有的数据不会重复写入）。")
        write(
            f"  市场主体 {MarketEntity.objects.count()} 个（本次新增 {created} 个），"
            f"有效食品经营许可证 {FoodLicence.objects.current().count()} 张"
            + (f"，今日到期失效 {expired} 张" if expired else "")
            + "。"
        )
        write("  电子证照签发密钥：" + ("本次新建。" if new_key else "沿用已有的密钥。"))
        for line in more:
            if line:
                write(f"  {line}")
        if settings.DEBUG or settings.LOCAL_SECRETS:
            self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
            rows = [
                ("admin", "系统管理员"),
                ("city", "市局人员"),
                ("clerk_xuhui, clerk_<district>", "窗口人员（各区）"),
                ("officer_xuhui, officer_<district>", "区局人员（各区）"),
                ("reviewer", "审批部门人员"),
                ("ent_legal", "企业用户：法定代表人"),
                ("ent_agent", "企业用户：经办人（已获“电子政务/市场监管”授权一年）"),
            ]
            for username, role in rows:
                self.stdout.write(f"  {username:<36} {role}")
            self.stdout.write(
                f"  <district> 为区的拼音：{'、'.join(sorted(set(DISTRICT_SLUGS.values())))}"
            )


def _last_line(buffer: io.StringIO) -> str:
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    return lines[-1] if lines else ""
