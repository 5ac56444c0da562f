"""Demo data for 一业一证 applications: department reviewers and one application in progress.

Idempotent; run after ``seed_demo`` (which creates the clerks and ``ent_legal``). Imports and
publishes the 2nd-edition catalogue if no edition is published yet.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import BaseCommand, call_command
from django.db import transaction

from portal.models import Department, District, Role, User
from yiyeyizheng.models import Application, CatalogueVersion, ItemReview
from yiyeyizheng.services import applications as services
from yiyeyizheng.services.attachments import add_attachment
from yiyeyizheng.services.reviews import approve_item

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - documented demo password, DEBUG only
TABLE = Path(settings.BASE_DIR) / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"
SMALL_CATERING = 11  # 小餐饮: food licence and tobacco retail, two district departments
ANSWERS = {"sells_tobacco": "true"}
DEMO_DISTRICT = "310104"  # 徐汇区: ent_legal's entity and the demo clerk
REVIEWERS = [
    ("yyz_samr", "samr_district", "徐汇区市场监管 刘洋"),
    ("yyz_tobacco", "tobacco_district", "徐汇区烟草专卖 孙丽"),
    ("yyz_fire", "fire_district", "徐汇区消防救援 赵刚"),
    ("yyz_lead", "samr", "市市场监管局 牵头处室 何平"),
]
PDF = b"%PDF-1.4\n% demo premises proof\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Command(BaseCommand):
    help = "Create 一业一证 department reviewers and one application in progress (idempotent)."

    def handle(self, *args, **options):
        if CatalogueVersion.current() is None:
            call_command(
                "import_catalogue", str(TABLE), edition="第二版", publish=True, stdout=self.stdout
            )
        reviewers = self._reviewers()
        application = self._application(reviewers)
        self.stdout.write(
            f"一业一证：目录{CatalogueVersion.current().edition}已发布；审批部门演示账户 "
            f"{'、'.join(reviewers)}（密码 {DEMO_PASSWORD}）；"
            f"演示申请 {application.number if application else '—'}。"
        )

    def _reviewers(self) -> dict[str, User]:
        users = {}
        for username, code, full_name in REVIEWERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                department = Department.objects.get(code=code)
                user = User(
                    username=username,
                    role=Role.DEPARTMENT_REVIEWER,
                    full_name=full_name,
                    department=department,
                    # a district body's reviewers work for one district: Xuhui, the demo's
                    district=(
                        District.objects.get(code=DEMO_DISTRICT)
                        if department.level == Department.Level.DISTRICT
                        else None
                    ),
                )
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
            users[username] = user
        return users

    @transaction.atomic
    def _application(self, reviewers) -> Application | None:
        """ent_legal's entity: submitted, accepted, food approved, tobacco still pending."""
        owner = User.objects.filter(username="ent_legal").first()
        if owner is None:
            return None
        existing = Application.objects.filter(entity_uscc=owner.entity_uscc).first()
        if existing is not None:
            return existing
        business_format = CatalogueVersion.current().formats.get(seq=SMALL_CATERING)
        application = services.start_application(
            acting_user=owner, business_format=business_format, answers=ANSWERS
        )
        services.save_draft(
            acting_user=owner, application=application, form_data={"contact_phone": "13800138000"}
        )
        add_attachment(
            acting_user=owner,
            application=application,
            purpose="premises_proof",
            upload=SimpleUploadedFile("经营场所使用证明.pdf", PDF, content_type="application/pdf"),
        )
        services.submit_application(acting_user=owner, application=application)
        clerks = User.objects.filter(role=Role.WINDOW_CLERK, district_id=application.district_id)
        clerk = clerks.order_by("pk").first()
        services.accept_application(acting_user=clerk, application=application)
        food = ItemReview.objects.get(application=application, department__code="samr_district")
        approve_item(acting_user=reviewers["yyz_samr"], review=food, reason="现场核查符合要求")
        return application
