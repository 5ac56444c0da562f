"""The admin is the bureau's back office: its own title and every section in Chinese,
including django-axes' (which ships no Chinese)."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_admin_index_is_titled_for_the_bureau_and_speaks_chinese(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:index")).content.decode()

    assert "上海市市场监督管理局 管理后台" in page and "Django 管理" not in page
    assert "登录保护（失败锁定）" in page
    assert "Axes" not in page and "Access attempts" not in page
    captions = re.findall(r"<caption>\s*<a[^>]*>([^<]+)</a>", page)
    assert captions and all(re.search(r"[\u4e00-\u9fff]", c) for c in captions), captions
    models = re.findall(r'<th scope="row"[^>]*>\s*<a[^>]*>([^<]+)</a>', page)
    assert models and all(re.search(r"[\u4e00-\u9fff]", m) for m in models), models


def test_axes_lists_in_chinese(client, administrator):
    AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="test", http_accept="*/*",
        path_info="/login/", failures_since_start=3,
    )  # fmt: skip
    client.force_login(administrator)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "登录尝试" in page and "IP 地址" in page and "User Agent" not in page
