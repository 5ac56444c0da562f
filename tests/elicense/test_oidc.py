"""Signing in at a connected system with the e-licence (ADR 0025): the portal as an OpenID
Connect provider, driven over HTTP as a relying party would, tokens checked with Authlib."""

import base64
import datetime
import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import Grant, RefreshToken

from elicense.models import OidcConsent, OidcSignIn
from elicense.services.authorisations import revoke_authorisation
from portal.models import AuditEvent
from tests.factories import enterprise_user, register
from tests.oidc_flow import (
    Request,
    administrator,
    authorise,
    exchange,
    login_client,
    login_party,
    redirect_params,
    refresh,
    sign_in,
    verify_id_token,
)

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver"


@pytest.fixture
def world(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海登录测试贸易有限公司", legal_person_name="赵法人")
    admin = administrator()
    party = login_party(admin)
    client, secret = login_client(admin, party)
    owner = enterprise_user(entity, username="oidc_owner", full_name="赵法人")
    agent = enterprise_user(entity, capacity="agent", username="oidc_agent", full_name="钱经办")
    return SimpleNamespace(
        entity=entity, admin=admin, party=party, client=client, secret=secret, owner=owner,
        agent=agent,
    )  # fmt: skip


def _browser(user):
    browser = Client()
    browser.force_login(user)
    return browser


def _tokens(world, user, **request_args):
    request = Request(world.client, **request_args)
    params = sign_in(_browser(user), request)
    assert params["state"] == request.state
    status, body = exchange(Client(), request, params["code"], secret=world.secret)
    assert status == 200, body
    return request, body


def _claims(world, request, body, client_id=None):
    jwks = Client().get("/oidc/jwks.json").json()
    return verify_id_token(
        body["id_token"],
        jwks=jwks,
        issuer=ISSUER,
        client_id=client_id or world.client.application.client_id,
        nonce=request.nonce,
        access_token=body["access_token"],
    )


def _actions():
    return list(
        AuditEvent.objects.filter(action__startswith="oidc.").values_list("action", flat=True)
    )


def test_the_legal_representative_consents_once_and_the_id_token_verifies(world):
    browser = _browser(world.owner)
    request = Request(world.client)
    page = browser.get(request.url).content.decode()
    assert "动产抵押登记系统" in page and "上海登录测试贸易有限公司" in page
    assert "您代表的企业（名称、统一社会信用代码）及您的身份" in page and "撤回" in page

    request, body = _tokens(world, world.owner)
    claims = _claims(world, request, body)

    assert claims["aud"] == world.client.application.client_id
    assert claims["entity_uscc"] == world.entity.uscc
    assert claims["entity_name"] == "上海登录测试贸易有限公司"
    assert claims["role"] == "法定代表人" and claims["name"] == "赵法人"
    assert "authorisation" not in claims
    assert claims["sub"] != str(world.owner.pk) and len(claims["sub"]) == 43
    header = json.loads(base64.urlsafe_b64decode(body["id_token"].split(".")[0] + "=="))
    assert header["alg"] == "EdDSA" and header["kid"] == world_key_kid()
    # remembered: the second sign-in skips the consent page, and sub is stable
    again = Request(world.client)
    response = _browser(world.owner).get(again.url)
    assert response.status_code == 302
    assert OidcConsent.objects.filter(user=world.owner).count() == 1
    assert {"oidc.consent_granted", "oidc.code_issued", "oidc.token_issued"} <= set(_actions())


def world_key_kid():
    from elicense.models import SigningKey

    return SigningKey.objects.active().get().kid


def test_sub_is_pairwise_per_client(world):
    other_party = login_party(world.admin, endpoint="127.0.0.1:8766", name="不动产登记系统")
    other, other_secret = login_client(world.admin, other_party)
    request, body = _tokens(world, world.owner)
    first = _claims(world, request, body)["sub"]
    request, body = _tokens(world, world.owner)
    assert _claims(world, request, body)["sub"] == first

    request = Request(other)
    params = sign_in(_browser(world.owner), request)
    status, body = exchange(Client(), request, params["code"], secret=other_secret)
    assert status == 200
    assert _claims(world, request, body, client_id=other.application.client_id)["sub"] != first


def test_an_agents_claims_carry_its_authorisation(world):
    authorisation = authorise(world.owner, world.agent)
    request, body = _tokens(world, world.agent)
    claims = _claims(world, request, body)

    assert claims["role"] == "经办人"
    assert claims["authorisation"] == {
        "id": authorisation.pk,
        "scope": "电子政务/市场监管",
        "valid_from": int(authorisation.valid_from.timestamp()),
        "valid_to": int(authorisation.valid_to.timestamp()),
    }
    userinfo = (
        Client().get("/oidc/userinfo/", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").json()
    )
    assert userinfo["sub"] == claims["sub"] and userinfo["authorisation"]["id"] == authorisation.pk


def test_an_agent_without_an_authorisation_covering_the_matter_is_told_why(world):
    authorise(world.owner, world.agent, scope="电子政务/税务")
    response = _browser(world.agent).get(Request(world.client).url)

    assert response.status_code == 403
    text = response.content.decode()
    assert "覆盖“电子政务/市场监管/动产抵押”事项的有效授权" in text and "赵法人" in text
    assert "error=access_denied" in text
    assert not Grant.objects.exists()
    assert "oidc.refused" in _actions()


def test_a_user_who_declines_sends_access_denied(world):
    browser = _browser(world.owner)
    request = Request(world.client)
    form = browser.get(request.url).context["form"]
    response = browser.post("/oidc/authorize/", {n: form[n].value() or "" for n in form.fields})
    assert redirect_error(response) == "access_denied"
    assert not OidcConsent.objects.exists()


def redirect_error(response):
    assert response.status_code == 302
    return redirect_params(response)["error"]


# --- failures carry the OAuth 2.0 error names ------------------------------------------------


def test_a_code_used_twice_is_invalid_grant_and_ends_what_it_bought(world):
    request = Request(world.client)
    code = sign_in(_browser(world.owner), request)["code"]
    status, first = exchange(Client(), request, code, secret=world.secret)
    assert status == 200
    status, body = exchange(Client(), request, code, secret=world.secret)
    assert (status, body["error"]) == (400, "invalid_grant")
    # RFC 6749 §4.1.2: the tokens issued on a replayed code are revoked
    status, answer = refresh(Client(), world.client, first["refresh_token"], secret=world.secret)
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert {"oidc.code_replayed", "oidc.token_refused"} <= set(_actions())
    refused = AuditEvent.objects.filter(action="oidc.token_refused").first()
    assert refused.changes["error"] == "invalid_grant"


def test_prompt_none_without_consent_answers_consent_required(world):
    response = _browser(world.owner).get(Request(world.client, prompt="none").url)
    assert redirect_error(response) == "consent_required"
    _tokens(world, world.owner)
    response = _browser(world.owner).get(Request(world.client, prompt="none").url)
    assert "code" in redirect_params(response)  # consent remembered: no page needed


def test_a_wrong_redirect_uri(world):
    # at the authorization endpoint: never redirected there, an error page instead
    request = Request(world.client, redirect_uri="http://127.0.0.1:8765/elsewhere")
    response = _browser(world.owner).get(request.url)
    assert response.status_code == 400 and "invalid_request" in response.content.decode()
    # at the token endpoint: not the URI the code was issued for
    request = Request(world.client)
    code = sign_in(_browser(world.owner), request)["code"]
    status, body = exchange(
        Client(), request, code, secret=world.secret, redirect_uri="http://127.0.0.1:8765/other"
    )
    assert (status, body["error"]) == (400, "invalid_grant")


def test_pkce_is_required_and_checked(world):
    no_pkce = Request(world.client, pkce=False)
    response = _browser(world.owner).get(no_pkce.url)
    assert redirect_error(response) == "invalid_request"

    request = Request(world.client)
    code = sign_in(_browser(world.owner), request)["code"]
    status, body = exchange(Client(), request, code, secret=world.secret, code_verifier=None)
    assert (status, body["error"]) == (400, "invalid_request")  # missing verifier

    request = Request(world.client)
    code = sign_in(_browser(world.owner), request)["code"]
    status, body = exchange(Client(), request, code, secret=world.secret, code_verifier="x" * 50)
    assert (status, body["error"]) == (400, "invalid_grant")  # wrong verifier


def test_the_implicit_flow_is_refused(world):
    request = Request(world.client, response_type="id_token token")
    response = _browser(world.owner).get(request.url)
    # the client may use the code flow only (RFC 6749 §4.2.2.1)
    assert redirect_error(response) == "unauthorized_client"
    assert not Grant.objects.exists()


def test_an_expired_code_is_invalid_grant(world, time_machine):
    request = Request(world.client)
    code = sign_in(_browser(world.owner), request)["code"]
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=61))
    status, body = exchange(Client(), request, code, secret=world.secret)
    assert (status, body["error"]) == (400, "invalid_grant")


def test_another_partys_client_cannot_use_the_code(world):
    other_party = login_party(world.admin, endpoint="127.0.0.1:8766", name="不动产登记系统")
    other, other_secret = login_client(world.admin, other_party)
    request = Request(world.client)
    code = sign_in(_browser(world.owner), request)["code"]

    status, body = exchange(
        Client(), request, code, secret=other_secret, client_id=other.application.client_id
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    status, body = exchange(Client(), request, code, secret=other_secret)  # wrong secret
    assert (status, body["error"]) == (401, "invalid_client")


def test_a_revoked_authorisation_ends_the_code_and_the_refresh_tokens(world):
    authorisation = authorise(world.owner, world.agent)
    request, body = _tokens(world, world.agent)
    pending = Request(world.client)
    code = sign_in(_browser(world.agent), pending)["code"]

    revoke_authorisation(acting_user=world.owner, authorisation=authorisation, reason="离职")

    status, answer = refresh(Client(), world.client, body["refresh_token"], secret=world.secret)
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert not RefreshToken.objects.filter(user=world.agent, revoked__isnull=True).exists()
    status, answer = exchange(Client(), pending, code, secret=world.secret)
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert "oidc.tokens_ended" in _actions()


# --- refresh, consent and client withdrawal ----------------------------------------------------


def test_refresh_works_until_the_consent_is_withdrawn_from_the_enterprise_page(world):
    _request, body = _tokens(world, world.owner)
    status, renewed = refresh(Client(), world.client, body["refresh_token"], secret=world.secret)
    assert status == 200 and renewed["id_token"]

    owner = _browser(world.owner)
    consent = OidcConsent.objects.get(user=world.owner)
    response = owner.post(f"/elicense/sign-in-consents/{consent.pk}/revoke/")
    assert response.status_code == 302

    status, answer = refresh(Client(), world.client, renewed["refresh_token"], secret=world.secret)
    assert (status, answer["error"]) == (400, "invalid_grant")
    assert "oidc.consent_revoked" in _actions()
    # the next sign-in asks again
    assert _browser(world.owner).get(Request(world.client).url).status_code == 200


def test_another_entitys_consent_answers_404(world, xuhui_clerk):
    _tokens(world, world.owner)
    consent = OidcConsent.objects.get(user=world.owner)
    stranger = enterprise_user(register(xuhui_clerk), username="stranger")
    assert (
        _browser(stranger).post(f"/elicense/sign-in-consents/{consent.pk}/revoke/").status_code
        == 404
    )
    assert OidcConsent.objects.get(pk=consent.pk).revoked_at is None


def test_withdrawing_the_client_ends_its_refresh_tokens(world):
    from elicense.services import revoke_oidc_client

    _request, body = _tokens(world, world.owner)
    revoke_oidc_client(acting_user=world.admin, client=world.client, reason="停止合作")
    status, answer = refresh(Client(), world.client, body["refresh_token"], secret=world.secret)
    assert (status, answer["error"]) == (401, "invalid_client")
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_sign_ins_are_listed_for_the_enterprise(world):
    _tokens(world, world.owner)
    sign_in_row = OidcSignIn.objects.get()
    assert sign_in_row.token_issued_at is not None and sign_in_row.entity_uscc == world.entity.uscc


def test_a_user_acting_for_two_entities_chooses_one(world, xuhui_clerk):
    from tests.factories import authorisation_from

    other = register(xuhui_clerk, name="上海第二委托商贸有限公司")
    other_owner = enterprise_user(other, username="other_owner")
    authorise(world.owner, world.agent)
    authorisation = authorisation_from(other, world.agent, granted_by=other_owner)
    browser = _browser(world.agent)
    request = Request(world.client)

    page = browser.get(request.url)
    assert page.status_code == 200 and "您代表哪家企业" in page.content.decode()
    choices = {c.uscc: url for c, url in page.context["choices"]}
    assert set(choices) == {world.entity.uscc, other.uscc}

    consent = browser.get(choices[other.uscc])
    form = consent.context["form"]
    response = browser.post(
        "/oidc/authorize/", {n: form[n].value() or "" for n in form.fields} | {"allow": "on"}
    )
    code = redirect_params(response)["code"]
    status, body = exchange(Client(), request, code, secret=world.secret)
    claims = _claims(world, request, body)
    assert claims["entity_uscc"] == other.uscc and claims["role"] == "经办人"
    assert claims["authorisation"]["id"] == authorisation.pk


def test_the_enterprise_page_lists_the_systems_signed_into(world):
    from elicense import services
    from elicense.models import Certificate

    for certificate in Certificate.objects.filter(holder_uscc=world.entity.uscc):
        services.sign_certificate(certificate_id=certificate.pk)
    authorise(world.owner, world.agent)
    _tokens(world, world.owner)
    _tokens(world, world.agent)

    owner_page = _browser(world.owner).get("/elicense/mine/").content.decode()
    agent_page = _browser(world.agent).get("/elicense/mine/").content.decode()

    assert owner_page.count("data-connected-system") == 2  # the legal representative: all
    assert "扫码登录记录" in owner_page and "最近登录" in owner_page
    assert owner_page.count("撤回授权") == 2
    assert agent_page.count("data-connected-system") == 1  # an agent: its own
    systems = agent_page.split("已登录的应用系统")[1].split("</section>")[0]
    assert "钱经办" in systems and "赵法人" not in systems


# --- prompt=none (OIDC Core 3.1.2.6) and protocol errors at the authorization endpoint -------


def test_prompt_none_while_signed_out_answers_login_required(world):
    request = Request(world.client, prompt="none")
    response = Client().get(request.url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(request.redirect_uri + "?")  # the system's page, not the login
    assert redirect_params(response) == {"error": "login_required", "state": request.state}
    # never to an address the client did not register (no open redirector)
    stray = Request(world.client, prompt="none", redirect_uri="https://evil.example/cb")
    response = Client().get(stray.url)
    assert response.status_code == 400 and "evil.example" not in response.get("Location", "")
    assert AuditEvent.objects.filter(action="oidc.authorize_error").count() == 1
    # without prompt=none a signed-out user is still sent to sign in
    response = Client().get(Request(world.client).url)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_prompt_none_when_the_portal_would_refuse_answers_interaction_required(world):
    """The refusal page cannot be shown under prompt=none; the system is told that the user
    must see the portal, and the refusal is audited as always."""
    request = Request(world.client, prompt="none")
    response = _browser(world.admin).get(request.url)  # not an enterprise user
    assert redirect_params(response) == {"error": "interaction_required", "state": request.state}
    assert "oidc.refused" in _actions()


PROTOCOL_ERRORS = {
    "unknown client": {"client_id": "no-such-client"},
    "unregistered redirect URI": {"redirect_uri": "https://evil.example/cb"},
    "no PKCE": {"pkce": False},
    "unsupported response type": {"response_type": "token"},
}


@pytest.mark.parametrize("case", PROTOCOL_ERRORS)
def test_protocol_errors_at_the_authorization_endpoint_are_audited(world, case):
    args = dict(PROTOCOL_ERRORS[case])
    request = Request(world.client, pkce=args.pop("pkce", True), **args)
    response = _browser(world.owner).get(request.url, REMOTE_ADDR="203.0.113.7")
    assert response.status_code in (302, 400)
    event = AuditEvent.objects.get(action="oidc.authorize_error")
    assert event.client_address == "203.0.113.7"
    assert event.changes["error"] in {
        "invalid_request", "invalid_client_id", "unauthorized_client",
        "unsupported_response_type", "mismatching_redirect_uri",
    }  # fmt: skip
    assert event.changes["client_id"] == args.get("client_id", world.client.application.client_id)
    recorded = json.dumps(event.changes)
    assert request.state not in recorded and request.nonce not in recorded  # nothing of theirs
    assert world.secret not in recorded


def test_protocol_error_audit_is_capped_per_address_and_minute(world, settings, time_machine):
    settings.OIDC_PROTOCOL_ERRORS_AUDITED_PER_MINUTE = 3
    time_machine.move_to(timezone.now().replace(second=0, microsecond=0), tick=False)
    bad = Request(world.client, client_id="no-such-client")
    browser = _browser(world.owner)
    for _ in range(7):
        assert browser.get(bad.url, REMOTE_ADDR="203.0.113.8").status_code == 400
    browser.get(bad.url, REMOTE_ADDR="203.0.113.9")  # another address has its own budget
    rows = AuditEvent.objects.filter(action="oidc.authorize_error").order_by("pk")
    assert [e.client_address for e in rows] == ["203.0.113.8"] * 3 + ["203.0.113.9"]
    # the next minute: audited again, with the count of those left unrecorded
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=61), tick=False)
    browser.get(bad.url, REMOTE_ADDR="203.0.113.8")
    last = AuditEvent.objects.filter(action="oidc.authorize_error").latest("pk")
    assert (last.client_address, last.changes["not_recorded_before"]) == ("203.0.113.8", 4)


def test_an_unknown_client_at_the_token_endpoint_is_refused_and_audited(world):
    request = Request(world.client)
    status, body = exchange(
        Client(), request, "no-code", secret="guess", client_id="no-such-client"
    )
    assert (status, body["error"]) == (401, "invalid_client")
    refused = AuditEvent.objects.get(action="oidc.token_refused")
    assert refused.changes["client_id"] == "no-such-client" and "guess" not in str(refused.changes)
