from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.models import Role
from tests.factories import UserFactory
from yiyeyizheng.models import CatalogueVersion

SEED = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "seeds"
    / "shanghai-yiyeyizheng-catalogue-v2-2023.txt"
)
TABLE = Path(settings.BASE_DIR) / "fixtures" / "yiyeyizheng_catalogue_v2.tsv"


#: Set while a module's ``shared_catalogue`` holds the imported catalogue.
SHARED: set[str] = set()


@pytest.fixture(scope="module")
def shared_catalogue(django_db_setup, django_db_blocker):
    """The 2nd edition imported and published once for a whole module, in an outer
    transaction rolled back when the module ends; each test runs in a savepoint inside it
    (pytest-django's ``db``), so what a test writes is still rolled back after the test, and
    ``catalogue`` returns it. For modules without transactional tests: a module opts in with
    ``pytest.mark.usefixtures``."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    SHARED.add("catalogue")
    yield
    SHARED.discard("catalogue")
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def catalogue(reference_data) -> CatalogueVersion:
    """The 2nd edition, imported from the fixture table and published."""
    if "catalogue" not in SHARED:
        call_command("import_catalogue", str(TABLE), edition="第二版", publish=True, verbosity=0)
    return CatalogueVersion.current()


@pytest.fixture
def administrator(db):
    return UserFactory(
        username="catalogue_admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


# --- applications (一业一证申请) ----------------------------------------------------------
#: 便利店 selling food and tobacco: two items, two district departments.
STORE_SEQ = 2
STORE_ANSWERS = {
    "sells_food": "true",
    "sells_tobacco": "true",
    "sells_drugs": "false",
    "sells_medical_devices_class2": "false",
}
PDF = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def store_format(catalogue):
    return catalogue.formats.get(seq=STORE_SEQ)


@pytest.fixture
def shop(xuhui_clerk):
    from tests.factories import register

    return register(xuhui_clerk, name="上海便利多商贸有限公司")


@pytest.fixture
def owner(shop):
    from tests.factories import enterprise_user

    return enterprise_user(shop, username="shop_owner", email="owner@example.com")


def reviewer(department_code: str, district_code: str | None = "310104", **kwargs):
    from portal.models import Department, District

    return UserFactory(
        role=Role.DEPARTMENT_REVIEWER,
        department=Department.objects.get(code=department_code),
        district=District.objects.get(code=district_code) if district_code else None,
        **kwargs,
    )


@pytest.fixture
def samr_reviewer(reference_data):
    return reviewer("samr_district", username="samr_xh", email="samr@example.com")


@pytest.fixture
def tobacco_reviewer(reference_data):
    return reviewer("tobacco_district", username="tobacco_xh")


def pdf_upload(name="场所证明.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def start(user, business_format, answers=None):
    from yiyeyizheng.services.applications import start_application

    return start_application(
        acting_user=user, business_format=business_format, answers=answers or STORE_ANSWERS
    )


def complete(user, application, purpose="premises_proof"):
    """Fill in what the register does not know and attach the required proof."""
    from yiyeyizheng.services.applications import save_draft
    from yiyeyizheng.services.attachments import add_attachment

    save_draft(
        acting_user=user, application=application, form_data={"contact_phone": "13800000000"}
    )
    add_attachment(acting_user=user, application=application, purpose=purpose, upload=pdf_upload())
    application.refresh_from_db()
    return application


def submitted(user, business_format, answers=None):
    from yiyeyizheng.services.applications import submit_application

    application = complete(user, start(user, business_format, answers))
    return submit_application(acting_user=user, application=application)


def licensed(user, clerk, business_format, reviewers):
    """A new application taken all the way to its composite licence."""
    from yiyeyizheng.models import ItemReview
    from yiyeyizheng.services.applications import accept_application
    from yiyeyizheng.services.reviews import approve_item

    application = submitted(user, business_format)
    accept_application(acting_user=clerk, application=application)
    for person in reviewers:
        for review in ItemReview.objects.visible_to(person).filter(application=application):
            approve_item(acting_user=person, review=review)
    application.refresh_from_db()
    return application
