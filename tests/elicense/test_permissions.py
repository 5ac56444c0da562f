"""The named predicates of ADR 0015 and the one answer to "is this authorisation current"."""

import datetime

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from elicense.models import Authorisation, AuthorisationState, Matter
from elicense.permissions import ACTIONS, refusal, require
from elicense.services.authorisations import grant_authorisation, revoke_authorisation
from elicense.services.signatures import sign_document
from portal.models import Role
from tests.factories import UserFactory, enterprise_user, register

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
DAY = datetime.timedelta(days=1)


@pytest.fixture
def entity(xuhui_clerk):
    return register(xuhui_clerk, name="上海谓词测试餐饮有限公司")


@pytest.fixture
def legal(entity):
    return enterprise_user(entity, username="pred_legal", full_name="吴法人")


@pytest.fixture
def agent(entity):
    return enterprise_user(entity, capacity="agent", username="pred_agent", full_name="郑经办")


def _grant(legal, agent, *, starts=NOW, days=30, scope="电子政务/市场监管"):
    return grant_authorisation(
        acting_user=legal,
        agent=agent,
        scope=Matter.objects.get(path=scope),
        valid_from=starts,
        valid_to=starts + days * DAY,
    )


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (NOW - datetime.timedelta(seconds=1), AuthorisationState.NOT_YET),
        (NOW, AuthorisationState.CURRENT),
        (NOW + 30 * DAY - datetime.timedelta(seconds=1), AuthorisationState.CURRENT),
        (NOW + 30 * DAY, AuthorisationState.EXPIRED),
    ],
)
def test_the_state_and_the_current_query_agree_at_every_boundary(
    legal, agent, time_machine, at, state
):
    time_machine.move_to(NOW - DAY, tick=False)
    authorisation = _grant(legal, agent)

    assert authorisation.state_at(at) == state
    assert Authorisation.objects.current(at).filter(pk=authorisation.pk).exists() == (
        state == AuthorisationState.CURRENT
    )


def test_a_revocation_counts_from_its_own_instant(legal, agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    authorisation = _grant(legal, agent, starts=NOW - DAY)
    time_machine.move_to(NOW + DAY, tick=False)
    revoke_authorisation(acting_user=legal, authorisation=authorisation, reason="离职")
    authorisation.refresh_from_db()

    for at, state in [(NOW, "active"), (NOW + DAY, "revoked"), (NOW + 2 * DAY, "revoked")]:
        assert authorisation.state_at(at) == state
        assert Authorisation.objects.current(at).exists() == (state == "active")


def test_an_authorisation_starting_tomorrow_is_listed_as_not_yet_valid(
    client, legal, agent, time_machine
):
    time_machine.move_to(NOW - 3 * DAY, tick=False)
    ended = _grant(legal, agent, starts=NOW - 3 * DAY, days=1)
    time_machine.move_to(NOW, tick=False)
    current = _grant(legal, agent, starts=NOW)
    tomorrow = _grant(legal, agent, starts=NOW + DAY)
    client.force_login(legal)

    page = client.get(reverse("elicense:authorisation_list")).content.decode()

    def row(authorisation):
        return page.split(f'data-authorisation="{authorisation.pk}"')[1].split("</tr>")[0]

    assert 'data-authorisation-state="not_yet"' in row(tomorrow) and "尚未生效" in row(tomorrow)
    assert 'data-authorisation-state="expired"' in row(ended) and "已到期" in row(ended)
    assert 'data-authorisation-state="active"' in row(current) and "有效" in row(current)
    assert "撤销</button>" in row(tomorrow) and "撤销</button>" not in row(ended)


def test_the_legal_representative_may_do_every_enterprise_action(legal):
    assert ACTIONS  # the table of ADR 0015
    assert [rule for rule in ACTIONS if not rules.has_perm(rule, legal)] == []


def test_a_superuser_is_nobodys_legal_representative(db):
    superuser = UserFactory(username="root", role=Role.ADMINISTRATOR, is_superuser=True)

    with pytest.raises(PermissionDenied, match="只有本企业的用户"):
        require(superuser, "elicense.sign_document")


def test_the_refusal_names_every_legal_representative_to_ask(entity, legal, agent):
    enterprise_user(entity, username="pred_legal2", full_name="冯负责人")

    message = refusal(agent, "licensing.manage_suppliers")

    assert "电子政务/市场监管/食品经营许可" in message and "您尚未获得授权" in message
    assert "吴法人、冯负责人" in message


def test_an_agent_signs_only_for_a_matter_its_authorisation_covers(legal, agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    _grant(legal, agent, scope="电子政务/税务")

    with pytest.raises(ValidationError) as caught:
        sign_document(
            acting_user=agent, title="抵押合同", data={}, matter="电子政务/市场监管/动产抵押"
        )
    document = sign_document(
        acting_user=agent, title="申报表", data={"月份": 11}, matter="电子政务/税务/税费申报"
    )

    assert "没有覆盖该事项的有效授权" in caught.value.message_dict["matter"][0]
    assert document.authorisation.scope.path == "电子政务/税务"
