"""The verification API: authentication, every error code, rate limiting, logging."""

import pytest
from django.core.management import call_command

from elicense import services
from elicense.models import Certificate, Verification
from elicense.services.relying_parties import (
    create_relying_party,
    rotate_api_key,
)
from portal import ratelimit
from portal.identifiers import make_uscc
from tests.factories import enterprise_user, issue_food, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def party_and_key():
    party, key = create_relying_party(name="美团外卖", peak_qps=50)
    ratelimit.reset(party.pk)
    return party, key


@pytest.fixture
def restaurant(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海接口测试餐饮有限公司")
    food = issue_food(xuhui_clerk, entity)
    for certificate in Certificate.objects.all():
        services.sign_certificate(certificate_id=certificate.pk)
    return entity, food


def _get(client, path, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(f"/api/v1{path}", headers=headers)


def _post(client, path, body, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post(f"/api/v1{path}", body, content_type="application/json", headers=headers)


def test_licences_lists_business_and_food_licence_with_live_status(
    client, party_and_key, restaurant
):
    party, key = party_and_key
    entity, food = restaurant

    response = _get(client, f"/licences/{entity.uscc.lower()}", key)

    body = response.json()
    assert response.status_code == 200
    assert (body["uscc"], body["name"], body["status"]) == (entity.uscc, entity.name, "active")
    assert [(c["kind"], c["status"]) for c in body["certificates"]] == [
        ("business_licence", "valid"),
        ("food_licence", "valid"),
    ]
    assert body["certificates"][1]["number"] == food.number
    assert body["certificates"][0]["verify_url"].endswith("/")
    log = Verification.objects.get()
    assert (log.channel, log.relying_party, log.holder_uscc) == ("api", party, entity.uscc)


def test_missing_and_wrong_keys_are_401(client, party_and_key, restaurant):
    entity, _ = restaurant
    for key in (None, "rp_not-a-key", party_and_key[1] + "x"):
        response = _get(client, f"/licences/{entity.uscc}", key)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_the_bearer_scheme_is_read_as_rfc_6750_says_and_no_other(client, party_and_key, restaurant):
    entity, _ = restaurant
    key = party_and_key[1]
    answers = {
        header: client.get(
            f"/api/v1/licences/{entity.uscc}", headers={"Authorization": header}
        ).status_code
        for header in (f"bearer {key}", f"Basic {key}", f"Bearer{key}", "Bearer ", key)
    }
    assert answers == {
        f"bearer {key}": 200, f"Basic {key}": 401, f"Bearer{key}": 401, "Bearer ": 401, key: 401,
    }  # fmt: skip


def test_a_malformed_uscc_is_422_with_the_validators_message(client, party_and_key):
    response = _get(client, "/licences/91310104MA1FL8KQ5I", party_and_key[1])

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_uscc"
    assert "不使用I、O、S、V、Z" in response.json()["message"]


def test_an_unknown_uscc_is_404(client, party_and_key, signing_key):
    uscc = make_uscc(division="310104", org_body="YY000001")
    response = _get(client, f"/licences/{uscc}", party_and_key[1])
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_province_party_cannot_look_outside_shanghai(client, party_and_key):
    party, key = party_and_key
    party.verification_range = "province"
    party.save()
    beijing = make_uscc(division="110105", org_body="MA000001")

    response = _get(client, f"/licences/{beijing}", key)

    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_token_verification_needs_the_presentation_need(client, party_and_key):
    party, key = party_and_key
    party.needs = ["login"]
    party.save()

    response = _post(client, "/tokens/verify", {"token": "x"}, key)

    assert response.status_code == 403 and "出示验证" in response.json()["message"]


def test_rate_limit_is_429_with_retry_after(client, restaurant):
    party, key = create_relying_party(name="小平台", peak_qps=2)
    ratelimit.reset(party.pk)
    entity, _ = restaurant

    statuses = [_get(client, f"/licences/{entity.uscc}", key).status_code for _ in range(4)]
    limited = _get(client, f"/licences/{entity.uscc}", key)

    assert statuses[:2] == [200, 200] and 429 in statuses[2:]
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1


def test_verify_a_presentation_code_shows_the_presenter(client, party_and_key, restaurant):
    entity, _ = restaurant
    user = enterprise_user(entity, full_name="黄店长")
    code, _ = services.issue_presentation_code(acting_user=user)

    body = _post(client, "/tokens/verify", {"token": code}, party_and_key[1]).json()
    again = _post(client, "/tokens/verify", {"token": code}, party_and_key[1]).json()

    assert body["result"] == "valid" and body["presenter"]["name"] == "黄店长"
    assert body["certificate"]["holder_uscc"] == entity.uscc
    assert again["result"] == "replayed" and again["message"]


@pytest.mark.parametrize(
    ("token", "result"),
    [("garbage", "malformed"), ("a.b.c", "malformed"), ("A" * 5000, "malformed")],
)
def test_verify_refuses_garbage_with_a_typed_result(client, party_and_key, token, result):
    response = _post(client, "/tokens/verify", {"token": token}, party_and_key[1])
    assert response.status_code == 200 and response.json()["result"] == result


def test_verify_a_printed_copy_token(client, party_and_key, restaurant):
    certificate = Certificate.objects.filter(kind="food_licence").get()
    body = _post(
        client, "/tokens/verify", {"token": certificate.signature}, party_and_key[1]
    ).json()
    assert body["result"] == "valid" and body["certificate"]["number"] == certificate.number


def test_a_bad_request_body_is_422_in_the_error_format(client, party_and_key):
    response = _post(client, "/tokens/verify", {"nope": 1}, party_and_key[1])
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_openapi_document_and_docs_page_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/licences/{uscc}" in schema["paths"]
    assert "/api/v1/tokens/verify" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_rotated_key_replaces_the_old_one(client, party_and_key, restaurant):
    party, old = party_and_key
    _, new = rotate_api_key(acting_user=None, party=party)
    entity, _ = restaurant

    assert _get(client, f"/licences/{entity.uscc}", old).status_code == 401
    assert _get(client, f"/licences/{entity.uscc}", new).status_code == 200


def test_create_relying_party_command_prints_a_working_key(client, restaurant, capsys):
    call_command("create_relying_party", "--name", "运维测试", "--peak-qps", "5")
    key = capsys.readouterr().out.strip()

    assert _get(client, f"/licences/{restaurant[0].uscc}", key).status_code == 200


def test_a_command_created_party_with_a_huge_peak_still_fits(db):
    party, _ = create_relying_party(name="大平台", peak_qps=100_000)
    party.full_clean()  # 年验证量（万次/年） within its 12 digits
    assert party.yearly_volume_10k == 10_000_000 and party.status == "approved"


def test_a_display_qr_on_another_host_is_foreign_domain(
    client, party_and_key, restaurant, settings
):
    _, key = party_and_key
    settings.PUBLIC_BASE_URL, settings.PUBLIC_HOST_ALIASES = "https://zz.sh.gov.cn", ["zz.old.cn"]
    public_id = Certificate.objects.get(kind="business_licence").public_id

    def result(url):
        return _post(client, "/tokens/verify", {"token": url}, key).json()

    foreign = result(f"http://evil.example/v/{public_id}/")
    assert foreign["result"] == "foreign_domain" and foreign["certificate"] is None
    assert "可能是伪造的" in foreign["message"]
    assert result(f"evil.example/v/{public_id}/")["result"] == "foreign_domain"
    assert result(f"https://zz.sh.gov.cn/v/{public_id}/")["result"] == "valid"
    assert result(f"https://ZZ.OLD.CN/v/{public_id}/")["result"] == "valid"
    assert result(f"/v/{public_id}/")["result"] == "valid"


def test_the_licences_answer_built_directly_equals_its_schema(client, party_and_key, restaurant):
    """ADR 0024: the JSON is built by hand; it must be exactly what ``LicencesOut`` says,
    and the OpenAPI document still describes it with that schema."""
    from licensing.api import LicencesOut

    entity, _food = restaurant
    services.revoke_certificate(
        certificate=Certificate.objects.get(holder_uscc=entity.uscc, kind="food_licence"),
        acting_user=None,
        reason="测试",
    )
    body = _get(client, f"/licences/{entity.uscc}", party_and_key[1]).json()

    assert body == LicencesOut.model_validate(body).model_dump(mode="json")
    assert [c["status"] for c in body["certificates"]] == ["valid", "revoked"]
    assert body["certificates"][0]["valid_to"] is None or isinstance(
        body["certificates"][0]["valid_to"], str
    )
    schema = client.get("/api/v1/openapi.json").json()
    answer = schema["paths"]["/api/v1/licences/{uscc}"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LicencesOut"
    }
    component = schema["components"]["schemas"]
    assert set(component["LicencesOut"]["properties"]) == {"uscc", "name", "status", "certificates"}
    assert set(component["CertificateOut"]["properties"]) == {
        "kind", "number", "status", "holder_uscc", "holder_name", "valid_from", "valid_to",
        "verify_url",
    }  # fmt: skip


def _wsgi(path, headers=None):
    """A request through ``config.wsgi.application``, the stack gunicorn serves."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import RequestFactory

    from config.wsgi import application

    environ = RequestFactory().get(path, headers=headers or {}).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: the test's transaction must survive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer["body"] = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer


def _stack(request):
    from django.http import JsonResponse

    return JsonResponse(
        {
            "session": hasattr(request, "session"),
            "user": hasattr(request, "user"),
            "messages": hasattr(request, "_messages"),
        }
    )


def _probe_urls():
    from django.urls import path

    from config.urls import urlpatterns as portal

    return [path("api/probe", _stack), path("probe", _stack), *portal]


urlpatterns = _probe_urls()


@pytest.mark.urls(__name__)
def test_bearer_key_endpoints_skip_sessions_messages_and_csrf(party_and_key, restaurant):
    import json

    lean, full = _wsgi("/api/probe"), _wsgi("/probe")
    assert json.loads(lean["body"]) == {"session": False, "user": False, "messages": False}
    assert json.loads(full["body"]) == {"session": True, "user": True, "messages": True}

    entity, _food = restaurant
    api = _wsgi(f"/api/v1/licences/{entity.uscc}", {"Authorization": f"Bearer {party_and_key[1]}"})
    assert api["status"].startswith("200") and b'"certificates"' in api["body"]
    assert "Set-Cookie" not in api["headers"]
    assert "X-Content-Type-Options" in api["headers"]  # SecurityMiddleware still runs


def test_api_answers_carry_their_length_and_are_not_chunked(party_and_key, restaurant):
    """Without a Content-Length gunicorn sent each answer chunked: a frame around the body,
    one more write, and a chunk parser in every platform's client."""
    entity, _food = restaurant
    key = {"Authorization": f"Bearer {party_and_key[1]}"}
    answers = [
        _wsgi(f"/api/v1/licences/{entity.uscc}", key),
        _wsgi(f"/api/v1/licences/{entity.uscc}"),  # 401
        _wsgi("/api/v1/licences/not-a-uscc", key),  # 422
        _wsgi("/api/v1/openapi.json"),
    ]
    assert [a["status"][:3] for a in answers] == ["200", "401", "422", "200"]
    for answer in answers:
        assert answer["headers"]["Content-Length"] == str(len(answer["body"]))


def test_the_licences_path_is_served_directly_and_still_documented(client, party_and_key):
    """ADR 0033: ``GET /api/v1/licences/{uscc}`` skips ninja's per-request glue; its errors
    are the API's own (same handlers), other methods are refused, and the operation is
    still in the OpenAPI document."""
    from django.urls import resolve

    from config.urls import licences_direct

    _party, key = party_and_key
    uscc = make_uscc(division="310104", org_body="DH000001")
    assert resolve(f"/api/v1/licences/{uscc}").func is licences_direct

    missing = _get(client, f"/licences/{uscc}")
    wrong_scheme = client.get(f"/api/v1/licences/{uscc}", headers={"Authorization": f"Token {key}"})
    posted = client.post(f"/api/v1/licences/{uscc}", headers={"Authorization": f"Bearer {key}"})
    schema = client.get("/api/v1/openapi.json").json()

    for answer in (missing, wrong_scheme):
        assert answer.status_code == 401
        assert answer.json()["code"] == "unauthorized"
    assert _get(client, "/licences/not-a-uscc", key).json()["code"] == "invalid_uscc"
    assert _get(client, f"/licences/{uscc}", key).json()["code"] == "not_found"
    assert posted.status_code == 405 and posted["Allow"] == "GET"
    assert "get" in schema["paths"]["/api/v1/licences/{uscc}"]
