"""seed_demo: the demo accounts the README promises exist however few entities are asked for."""

import pytest
from django.core.management import call_command

from licensing.models import FoodLicence, FoodSubjectType
from licensing.services.demo import demo_entities
from portal.models import User
from yiyeyizheng.models import Application

pytestmark = pytest.mark.django_db


def test_the_first_xuhui_entity_is_always_a_restaurant():
    xuhui = [spec for spec in demo_entities(16) if spec.district_code == "310104"]

    assert len(xuhui) == 1
    assert xuhui[0].food["subject_type"] == FoodSubjectType.CATERING


def test_a_small_seed_still_has_the_enterprise_accounts_and_their_application(eager_tasks, capsys):
    call_command("seed_demo", "--entities=2", "--quiet", "--force")

    assert capsys.readouterr().out == ""  # --quiet: not a word from the sub-commands either

    legal = User.objects.get(username="ent_legal")
    agent = User.objects.get(username="ent_agent")
    assert legal.entity_uscc == agent.entity_uscc
    restaurant = FoodLicence.objects.get(entity__uscc=legal.entity_uscc)
    assert (restaurant.district_id, restaurant.subject_type) == ("310104", 2)
    assert Application.objects.filter(entity_uscc=legal.entity_uscc).exists()


def test_the_summary_is_plain_chinese_with_no_bare_key_ids_or_import_notes(eager_tasks):
    import io

    first, again = io.StringIO(), io.StringIO()
    call_command("seed_demo", "--entities=2", "--force", stdout=first)
    call_command("seed_demo", "--entities=2", "--force", stdout=again)

    for out in (first.getvalue(), again.getvalue()):
        assert out.startswith("演示数据已就绪")
        assert "created" not in out and "请管理员核对" not in out and "demo" not in out
        assert "ent_legal" in out and "Demo@2026" in out
    assert "本次新建" in first.getvalue() and "沿用已有的密钥" in again.getvalue()
    assert "本次新增 0 个" in again.getvalue()

    detailed = io.StringIO()
    call_command("seed_demo", "--entities=2", "--force", "--verbosity=2", stdout=detailed)
    assert "明厨亮灶示范店" in detailed.getvalue()
