"""The provider's published face and its keys (ADR 0025): the OpenID Foundation's basic OP
checks that run offline (discovery, JWKS, nonce, at_hash), key rotation, RS256/ES256
clients, RP-initiated logout, and the rules for opening a client."""

import base64
import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from oauth2_provider.models import RefreshToken

from elicense import services
from elicense.models import Matter, OidcClient
from elicense.models.relying_parties import Need
from elicense.services import rotate_oidc_client_secret
from portal.models import AuditEvent
from tests.factories import enterprise_user, register
from tests.oidc_flow import (
    SCOPE,
    Request,
    administrator,
    exchange,
    login_client,
    login_party,
    sign_in,
    verify_id_token,
)

pytestmark = pytest.mark.django_db
ISSUER = "http://testserver"


@pytest.fixture
def world(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海发现测试商贸有限公司")
    admin = administrator()
    party = login_party(admin)
    client, secret = login_client(admin, party)
    owner = enterprise_user(entity, username="op_owner", full_name="孙法人")
    return SimpleNamespace(admin=admin, party=party, client=client, secret=secret, owner=owner)


def _tokens(client, secret, user, **request_args):
    browser = Client()
    browser.force_login(user)
    request = Request(client, **request_args)
    code = sign_in(browser, request)["code"]
    status, body = exchange(Client(), request, code, secret=secret)
    assert status == 200, body
    return request, body


def _header(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


def _payload(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def test_discovery_document_has_the_required_fields():
    document = Client().get("/.well-known/openid-configuration").json()

    assert document["issuer"] == ISSUER
    for field, path in {
        "authorization_endpoint": "/oidc/authorize/",
        "token_endpoint": "/oidc/token/",
        "userinfo_endpoint": "/oidc/userinfo/",
        "jwks_uri": "/oidc/jwks.json",
        "end_session_endpoint": "/oidc/logout/",
    }.items():
        assert document[field] == ISSUER + path
    assert document["response_types_supported"] == ["code"]
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert set(document["id_token_signing_alg_values_supported"]) == {"EdDSA", "RS256", "ES256"}
    assert set(SCOPE.split()) <= set(document["scopes_supported"])
    assert {"sub", "entity_uscc", "entity_name", "role", "authorisation"} <= set(
        document["claims_supported"]
    )
    assert "client_secret_basic" in document["token_endpoint_auth_methods_supported"]


def test_jwks_publishes_every_key_that_verifies(signing_key):
    old = signing_key
    new = services.rotate_signing_key()
    keys = {key["kid"]: key for key in Client().get("/oidc/jwks.json").json()["keys"]}

    assert set(keys) == {old.kid, new.kid}
    assert keys[new.kid] | {"x": ""} == {
        "kty": "OKP", "crv": "Ed25519", "x": "", "kid": new.kid, "alg": "EdDSA", "use": "sig",
    }  # fmt: skip
    assert all("d" not in key for key in keys.values())  # public halves only


def test_nonce_and_at_hash_are_in_the_id_token(world):
    request, body = _tokens(world.client, world.secret, world.owner)
    payload = _payload(body["id_token"])
    assert payload["nonce"] == request.nonce
    assert payload["at_hash"] and payload["iss"] == ISSUER
    jwks = Client().get("/oidc/jwks.json").json()
    client_id = world.client.application.client_id
    # Authlib checks at_hash (SHA-512 half for EdDSA) against the access token it was sent
    verify_id_token(
        body["id_token"], jwks=jwks, issuer=ISSUER, client_id=client_id, nonce=request.nonce,
        access_token=body["access_token"],
    )  # fmt: skip
    with pytest.raises(Exception, match="at_hash"):
        verify_id_token(
            body["id_token"], jwks=jwks, issuer=ISSUER, client_id=client_id,
            nonce=request.nonce, access_token="another-access-token",
        )  # fmt: skip
    with pytest.raises(Exception, match="nonce"):
        verify_id_token(
            body["id_token"], jwks=jwks, issuer=ISSUER, client_id=client_id, nonce="replayed",
            access_token=body["access_token"],
        )  # fmt: skip


def test_key_rotation_keeps_issued_tokens_verifiable(world, signing_key):
    before, body = _tokens(world.client, world.secret, world.owner)
    new = services.rotate_signing_key()
    after, renewed = _tokens(world.client, world.secret, world.owner)
    jwks = Client().get("/oidc/jwks.json").json()
    client_id = world.client.application.client_id

    assert _header(body["id_token"])["kid"] == signing_key.kid
    assert _header(renewed["id_token"])["kid"] == new.kid
    for request, answer in ((before, body), (after, renewed)):
        verify_id_token(
            answer["id_token"], jwks=jwks, issuer=ISSUER, client_id=client_id,
            nonce=request.nonce, access_token=answer["access_token"],
        )  # fmt: skip


@pytest.mark.parametrize(("algorithm", "key"), [("RS256", "rsa"), ("ES256", "p256")])
def test_clients_that_need_rs256_or_es256_get_them(world, algorithm, key):
    party = login_party(world.admin, endpoint="127.0.0.1:8770", name=f"{algorithm}系统")
    with pytest.raises(ValidationError, match="elicense_keys create --algorithm"):
        login_client(world.admin, party, algorithm=algorithm)
    services.create_signing_key(algorithm=key)
    client, secret = login_client(world.admin, party, algorithm=algorithm)

    request, body = _tokens(client, secret, world.owner)
    assert _header(body["id_token"])["alg"] == algorithm
    claims = verify_id_token(
        body["id_token"], jwks=Client().get("/oidc/jwks.json").json(), issuer=ISSUER,
        client_id=client.application.client_id, nonce=request.nonce,
        access_token=body["access_token"],
    )  # fmt: skip
    assert claims["role"] == "法定代表人"


def test_rp_initiated_logout_ends_the_session_and_the_tokens(world):
    browser = Client()
    browser.force_login(world.owner)
    request = Request(world.client)
    code = sign_in(browser, request)["code"]
    _status, body = exchange(Client(), request, code, secret=world.secret)

    response = browser.get(
        "/oidc/logout/",
        {
            "id_token_hint": body["id_token"],
            "post_logout_redirect_uri": "http://127.0.0.1:8765/signed-out",
            "state": "bye",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:8765/signed-out?state=bye"
    assert "_auth_user_id" not in browser.session
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    assert AuditEvent.objects.filter(action="oidc.logged_out").exists()


def test_a_forged_id_token_hint_is_refused(world):
    _request, body = _tokens(world.client, world.secret, world.owner)
    head, payload, signature = body["id_token"].split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    response = Client().get("/oidc/logout/", {"id_token_hint": forged})
    assert response.status_code == 400


def test_a_client_is_opened_only_for_an_approved_party_that_asked_for_login(world):
    matter = Matter.objects.get(path="电子政务/市场监管/动产抵押")
    presentation_only = login_party(
        world.admin, endpoint="127.0.0.1:8771", name="出示系统", needs=[Need.PRESENTATION]
    )
    with pytest.raises(ValidationError, match="不含“用户登录”"):
        login_client(world.admin, presentation_only)
    with pytest.raises(ValidationError, match="已开通用户登录"):
        login_client(world.admin, world.party)
    other = login_party(world.admin, endpoint="rp.example.gov.cn", name="外网系统")
    for uri, message in [
        ("https://evil.example.com/cb", "不在该单位登记的域名"),
        ("http://rp.example.gov.cn/cb", "必须使用 https"),
        ("https://rp.example.gov.cn/cb#x", "片段"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.create_oidc_client(
                acting_user=world.admin, party=other, redirect_uris=uri, matter=matter
            )
    owner = world.owner
    with pytest.raises(Exception, match="只有"):
        services.create_oidc_client(
            acting_user=owner, party=other, redirect_uris="https://rp.example.gov.cn/cb",
            matter=matter,
        )  # fmt: skip
    assert OidcClient.objects.count() == 1


def test_the_secret_is_stored_hashed_and_rotation_ends_the_old_one(world):
    application = world.client.application
    assert world.secret not in application.client_secret  # hashed at rest
    _client, new_secret = rotate_oidc_client_secret(acting_user=world.admin, client=world.client)

    request = Request(world.client)
    browser = Client()
    browser.force_login(world.owner)
    code = sign_in(browser, request)["code"]
    status, body = exchange(Client(), request, code, secret=world.secret)
    assert (status, body["error"]) == (401, "invalid_client")
    assert exchange(Client(), request, code, secret=new_secret)[0] == 200
    assert AuditEvent.objects.filter(action="oidc.secret_rotated").exists()


def test_staff_cannot_sign_in_to_a_connected_system(world, xuhui_clerk):
    browser = Client()
    browser.force_login(xuhui_clerk)
    response = browser.get(Request(world.client).url)
    assert response.status_code == 403
    assert "只有企业用户" in response.content.decode()


def test_the_admin_opens_a_client_and_shows_the_secret_once(client, xuhui_clerk, signing_key):
    admin = administrator()
    admin.is_staff = admin.is_superuser = True
    admin.save()
    party = login_party(admin, endpoint="127.0.0.1:8790", name="后台开通系统")
    client.force_login(admin)
    response = client.post(
        "/admin/elicense/oidcclient/add/",
        {
            "relying_party": party.pk,
            "matter": Matter.objects.get(path="电子政务/市场监管/动产抵押").pk,
            "id_token_algorithm": "EdDSA",
            "redirect_uris": "http://127.0.0.1:8790/callback",
            "post_logout_redirect_uris": "",
        },
        follow=True,
    )
    created = OidcClient.objects.get(relying_party=party)
    shown = [str(m) for m in response.context["messages"]]
    secret = next(m for m in shown if "client_secret" in m).rsplit("：", 1)[1]
    assert created.application.client_id in shown[0]
    assert secret not in created.application.client_secret  # stored hashed, shown once
    assert client.get("/admin/elicense/oidcclient/").status_code == 200
    assert AuditEvent.objects.filter(action="oidc.client_created").exists()
    change = client.get(f"/admin/elicense/oidcclient/{created.pk}/change/")
    assert change.status_code == 200 and 'name="matter"' not in change.content.decode()
