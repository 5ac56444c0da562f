"""The public progress lookup keeps working when Redis (its lookup budget) is gone."""

import pytest
from django.urls import reverse

from tests.faults import private_redis, use_redis
from tests.yiyeyizheng.conftest import submitted


@pytest.fixture
def redis_server(settings):
    with private_redis() as server:
        use_redis(settings, server.url)
        yield server


def test_with_redis_killed_the_applicant_still_sees_the_progress(
    client, owner, store_format, redis_server, settings
):
    settings.YIYEYIZHENG_PROGRESS_LOOKUPS_PER_HOUR = 1
    application = submitted(owner, store_format)
    params = {"number": application.number, "code": application.verification_code}
    url = reverse("yiyeyizheng:progress")
    assert client.get(url, params).status_code == 200
    assert client.get(url, params).status_code == 429  # the budget is counted in Redis

    redis_server.kill()
    pages = [client.get(url, params) for _ in range(3)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert 'data-step="签名并提交申请"' in pages[-1].content.decode()
