"""seed_yiyeyizheng_demo: reviewers and one application in progress, safe to run again."""

import pytest
from django.core.management import call_command

from portal.models import User
from tests.factories import enterprise_user, register
from yiyeyizheng.models import Application, ApplicationStatus, ReviewStatus

#: The catalogue is imported once for the module (tests/yiyeyizheng/conftest.py).
pytestmark = pytest.mark.usefixtures("shared_catalogue")


def test_the_demo_command_is_idempotent(xuhui_clerk, catalogue):
    shop = register(xuhui_clerk, name="上海演示小餐饮店")
    enterprise_user(shop, username="ent_legal")
    call_command("seed_yiyeyizheng_demo", verbosity=0)
    call_command("seed_yiyeyizheng_demo", verbosity=0)
    application = Application.objects.get()
    assert application.status == ApplicationStatus.ACCEPTED
    statuses = dict(application.reviews.values_list("department__code", "status"))
    assert statuses == {
        "samr_district": ReviewStatus.APPROVED,
        "tobacco_district": ReviewStatus.PENDING,
    }
    assert User.objects.filter(username__startswith="yyz_").count() == 4
    assert User.objects.get(username="yyz_tobacco").check_password("Demo@2026")
