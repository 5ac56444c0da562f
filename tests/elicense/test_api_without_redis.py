"""Redis dies under the verification API: answers stay 200 and 429, always JSON.

A private redis-server serves the cache and the rate limiter, as in production, and is
killed with ``kill -9`` before the relying party calls again.
"""

import logging

import pytest

from elicense import services
from elicense.models import Certificate
from elicense.services.relying_parties import create_relying_party
from portal import ratelimit
from tests.factories import enterprise_user, issue_food, register
from tests.faults import private_redis, use_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server(settings):
    with private_redis() as server:
        use_redis(settings, server.url)
        yield server


@pytest.fixture
def restaurant(xuhui_clerk, signing_key):
    entity = register(xuhui_clerk, name="上海断线测试餐饮有限公司")
    issue_food(xuhui_clerk, entity)
    for certificate in Certificate.objects.all():
        services.sign_certificate(certificate_id=certificate.pk)
    return entity


def _verify(client, key, token):
    return client.post(
        "/api/v1/tokens/verify",
        {"token": token},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def _licences(client, key, uscc):
    return client.get(f"/api/v1/licences/{uscc}", headers={"Authorization": f"Bearer {key}"})


def test_with_redis_killed_a_valid_token_is_200_and_over_the_limit_is_json_429(
    client, redis_server, restaurant, caplog
):
    party, key = create_relying_party(name="美团外卖", peak_qps=3)
    ratelimit.reset(party.pk)
    assert _licences(client, key, restaurant.uscc).status_code == 200
    assert ratelimit.state() == "redis"

    redis_server.kill()
    code, _ = services.issue_presentation_code(acting_user=enterprise_user(restaurant))
    with caplog.at_level(logging.WARNING, logger="portal.ratelimit"):
        verified = _verify(client, key, code)
        statuses = [_licences(client, key, restaurant.uscc).status_code for _ in range(5)]
        limited = _licences(client, key, restaurant.uscc)

    assert verified.status_code == 200 and verified.json()["result"] == "valid"
    assert statuses[:2] == [200, 200] and set(statuses[2:]) == {429}
    assert limited.status_code == 429 and limited["Content-Type"].startswith("application/json")
    assert limited.json()["code"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    assert ratelimit.state() == "fallback"
    fallbacks = [r for r in caplog.records if "fall back to per-process" in r.getMessage()]
    assert len(fallbacks) == 1  # once, not per request


def test_the_limiter_returns_to_redis_when_it_answers_again(settings, redis_server):
    party, _ = create_relying_party(name="饿了么", peak_qps=1)
    ratelimit.reset(party.pk)
    redis_server.kill()
    assert ratelimit.take(party.pk, 1)[0] and ratelimit.state() == "fallback"

    with private_redis() as again:
        use_redis(settings, again.url)
        ratelimit.reset(party.pk)

        assert ratelimit.take(party.pk, 1) == (True, 1)
        assert ratelimit.take(party.pk, 1)[0] is False
        assert ratelimit.state() == "redis"
