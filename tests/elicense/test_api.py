"""The verification API: authentication, every error code, rate limiting, logging."""

import pytest
from django.core.management import call_command

from elicense import services
from elicense.models import Certificate, Matter, Verification
from elicense.services.relying_parties import (
    approve_relying_party,
    create_relying_party,
    reject_relying_party,
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


def test_review_approves_with_a_key_or_rejects_with_a_reason(reference_data):
    from elicense.services.relying_parties import apply_for_access

    def apply(name):
        return apply_for_access(
            org_name=name, org_nature="enterprise",
            uscc=make_uscc(division="310104", org_body="PL000001"), address="上海市徐汇区",
            contact_name="张三", contact_position="技术部经理", contact_phone="021-12345678",
            contact_email="it@example.com", system_name="商户管理系统",
            system_endpoint="https://merchant.example.com:443", business_summary="网络餐饮平台",
            needs=["presentation"], verification_range="national", channels=["app"],
            yearly_volume=1_000_000, peak_qps=20,
            matters=[Matter.objects.get(path="电子商务/网络餐饮/资质审查")],
        )  # fmt: skip

    approved, key = approve_relying_party(acting_user=None, party=apply("甲平台"), reason="同意")
    assert approved.status == "approved" and key.startswith("rp_")
    assert key not in approved.api_key_hash
    with pytest.raises(Exception, match="驳回须填写理由"):
        reject_relying_party(acting_user=None, party=apply("乙平台"), reason=" ")


def test_create_relying_party_command_prints_a_working_key(client, restaurant, capsys):
    call_command("create_relying_party", "--name", "运维测试", "--peak-qps", "5")
    key = capsys.readouterr().out.strip()

    assert _get(client, f"/licences/{restaurant[0].uscc}", key).status_code == 200


def test_a_command_created_party_with_a_huge_peak_still_fits(db):
    party, _ = create_relying_party(name="大平台", peak_qps=100_000)
    assert party.yearly_volume <= 2_147_483_647


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
