"""Agent authorisations: granted by the legal representative, checked at every presentation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from elicense import services
from elicense.models import Authorisation, Certificate, Matter
from elicense.services.authorisations import grant_authorisation, revoke_authorisation
from elicense.verification import Result, verify_token
from portal.models import AuditEvent
from tests.factories import enterprise_user, register

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 22, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
SCOPE = "电子政务/市场监管"


@pytest.fixture
def holder(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海授权测试餐饮有限公司")
    services.sign_certificate(certificate_id=Certificate.objects.get(holder_uscc=entity.uscc).pk)
    return entity


@pytest.fixture
def legal_rep(holder):
    return enterprise_user(holder, full_name="王法人")


@pytest.fixture
def agent(holder):
    return enterprise_user(holder, capacity="agent", full_name="赵经办")


@pytest.fixture
def authorisation(legal_rep, agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    return grant_authorisation(
        acting_user=legal_rep,
        agent=agent,
        scope=Matter.objects.get(path=SCOPE),
        valid_from=NOW,
        valid_to=NOW + datetime.timedelta(days=30),
    )


def _present(agent, matter=None):
    code, _ = services.issue_presentation_code(acting_user=agent)
    return verify_token(code, channel="clerk_scan", verifier_label="窗口", matter=matter)


def test_agent_presents_within_scope_and_the_authorisation_is_shown(agent, authorisation):
    outcome = _present(agent, matter="电子政务/市场监管/动产抵押")

    assert outcome.result == Result.VALID
    assert outcome.presenter["name"] == "赵经办"
    assert outcome.presenter["authorisation"]["scope"] == SCOPE
    assert outcome.presenter["authorisation"]["id"] == authorisation.pk


def test_a_matter_outside_the_scope_fails_with_its_own_reason(agent, authorisation):
    outcome = _present(agent, matter="电子政务/税务/发票领用")
    assert outcome.result == Result.OUT_OF_SCOPE


def test_a_sibling_path_with_the_same_prefix_is_not_covered(agent, authorisation):
    assert not authorisation.scope.covers("电子政务/市场监管局")


def test_an_expired_authorisation_fails(agent, authorisation, time_machine):
    time_machine.move_to(authorisation.valid_to - datetime.timedelta(seconds=30), tick=False)
    code, _ = services.issue_presentation_code(acting_user=agent)
    time_machine.move_to(authorisation.valid_to + datetime.timedelta(seconds=1), tick=False)
    outcome = verify_token(code, channel="clerk_scan")  # the code itself is 31 s old: fresh
    assert outcome.result == Result.AUTHORISATION_EXPIRED


def test_a_revoked_authorisation_fails_within_the_same_second(agent, legal_rep, authorisation):
    code, _ = services.issue_presentation_code(acting_user=agent)

    revoke_authorisation(acting_user=legal_rep, authorisation=authorisation, reason="离职")
    outcome = verify_token(code, channel="clerk_scan")

    assert outcome.result == Result.AUTHORISATION_REVOKED  # the clock has not moved at all
    assert "已被撤销" in outcome.message


def test_an_agent_without_a_current_authorisation_gets_no_code(agent, legal_rep, authorisation):
    revoke_authorisation(acting_user=legal_rep, authorisation=authorisation, reason="离职")

    with pytest.raises(PermissionDenied, match="您的授权已于2026-11-22 10:00被撤销"):
        services.issue_presentation_code(acting_user=agent)


def test_only_the_legal_representative_grants(agent, legal_rep, time_machine):
    time_machine.move_to(NOW, tick=False)
    with pytest.raises(PermissionDenied):
        grant_authorisation(
            acting_user=agent,
            agent=agent,
            scope=Matter.objects.get(path=SCOPE),
            valid_from=NOW,
            valid_to=NOW + datetime.timedelta(days=1),
        )


def test_agents_of_another_entity_cannot_be_authorised(legal_rep, xuhui_clerk, time_machine):
    time_machine.move_to(NOW, tick=False)
    stranger = enterprise_user(register(xuhui_clerk), capacity="agent")

    with pytest.raises(ValidationError) as caught:
        grant_authorisation(
            acting_user=legal_rep,
            agent=stranger,
            scope=Matter.objects.get(path=SCOPE),
            valid_from=NOW,
            valid_to=NOW + datetime.timedelta(days=1),
        )
    assert "本企业" in caught.value.message_dict["agent"][0]
    assert not Authorisation.objects.exists()


def test_legal_rep_grants_and_revokes_through_the_page(client, legal_rep, agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    client.force_login(legal_rep)
    url = reverse("elicense:authorisation_list")

    client.post(
        url,
        {
            "agent": agent.pk,
            "scope": SCOPE,
            "valid_from": "2026-11-22T10:00",
            "valid_to": "2026-12-22T10:00",
        },
    )
    granted = Authorisation.objects.get()
    assert granted.valid_to == datetime.datetime(2026, 12, 22, 2, 0, tzinfo=datetime.UTC)

    revoke = reverse("elicense:authorisation_revoke", args=[granted.pk])
    confirm = client.post(revoke, {"reason": "调岗"}).content.decode()
    assert "请确认：撤销授权" in confirm and "不能撤回" in confirm and "调岗" in confirm
    granted.refresh_from_db()
    assert granted.status != "revoked"  # nothing happens before confirming

    client.post(revoke, {"reason": "调岗", "confirmed": "1"})
    granted.refresh_from_db()
    assert granted.status == "revoked" and granted.revoke_reason == "调岗"
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "authorisation.granted",
        "authorisation.revoked",
    }
    assert "调岗" in client.get(url).content.decode()


def test_agents_cannot_grant_through_the_page(client, agent):
    client.force_login(agent)
    response = client.post(reverse("elicense:authorisation_list"), {})
    assert response.status_code == 403
    assert "只有法定代表人（负责人）可以授权、撤销授权或邀请经办人" in response.content.decode()


def test_legal_rep_invites_a_new_agent_who_sets_a_password_once(client, legal_rep, holder):
    from portal.models import User

    client.force_login(legal_rep)
    response = client.post(
        reverse("elicense:agent_invite"),
        {"username": "new_agent", "full_name": "冯新人", "phone": "13800000000"},
        follow=True,
    )
    page = response.content.decode()
    link = page.split("（仅显示一次）：")[1].split("<")[0].strip()
    agent = User.objects.get(username="new_agent")
    assert (agent.entity_uscc, agent.enterprise_capacity) == (holder.uscc, "agent")
    assert not agent.has_usable_password()
    client.logout()

    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(set_url, {"new_password1": "Agent-Pass-2026!", "new_password2": "Agent-Pass-2026!"})

    agent.refresh_from_db()
    assert agent.check_password("Agent-Pass-2026!")
    assert "无效或已使用" in client.get(link, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="agent.invited", actor=legal_rep).exists()


def test_agents_cannot_invite(client, agent):
    from portal.models import User

    client.force_login(agent)
    response = client.post(reverse("elicense:agent_invite"), {"username": "x1", "full_name": "某"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x1").exists()
