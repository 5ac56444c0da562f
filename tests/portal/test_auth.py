"""Sign-in, throttling, password hashing and the role home pages."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from portal.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def test_login_and_logout(client, xuhui_clerk):
    response = _login(client, "clerk_xh", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")

    home = client.get(reverse("portal:home")).content.decode()
    assert "窗口人员工作台" in home and "设立登记" in home

    client.post(reverse("portal:logout"))
    assert client.get(reverse("licensing:entity_list")).status_code == 302


def test_wrong_password_gets_a_chinese_message(client, xuhui_clerk):
    response = _login(client, "clerk_xh", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_repeated_failures_lock_the_account_from_that_address(client, settings, xuhui_clerk):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "clerk_xh", "wrong")

    response = _login(client, "clerk_xh", PASSWORD)

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert make_password("x").startswith("argon2$")


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.CITY_OFFICER, "主体查询", "设立登记"),
        (Role.ADMINISTRATOR, "系统管理", "设立登记"),
    ],
)
def test_home_navigation_follows_the_role(client, reference_data, role, expected, absent):
    client.force_login(UserFactory(role=role))
    page = client.get(reverse("portal:home")).content.decode()
    assert expected in page and absent not in page


def test_role_bindings_are_validated(reference_data):
    from django.core.exceptions import ValidationError

    clerk = UserFactory.build(role=Role.WINDOW_CLERK)
    with pytest.raises(ValidationError) as caught:
        clerk.full_clean()
    assert "窗口人员必须指定所属区" in caught.value.message_dict["district"][0]


def test_district_level_reviewers_are_bound_to_a_district_city_level_ones_not(reference_data):
    from django.core.exceptions import ValidationError

    from portal.models import Department, District

    xuhui = District.objects.get(code="310104")
    district_level = UserFactory.build(
        username="r1", role=Role.DEPARTMENT_REVIEWER, district=xuhui,
        department=Department.objects.get(code="samr_district"),
    )  # fmt: skip
    district_level.full_clean()
    city_level = UserFactory.build(
        username="r2", role=Role.DEPARTMENT_REVIEWER, district=xuhui,
        department=Department.objects.get(code="samr"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        city_level.full_clean()
    assert "只有区级审批部门" in caught.value.message_dict["district"][0]
    unbound = UserFactory.build(
        username="r3", role=Role.DEPARTMENT_REVIEWER,
        department=Department.objects.get(code="tobacco_district"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        unbound.full_clean()
    assert "审批部门人员必须指定所属区" in caught.value.message_dict["district"][0]


def test_failures_across_usernames_lock_the_address(client, settings, xuhui_clerk):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong")

    response = _login(client, "clerk_xh", PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_forms_refuse_posts_without_a_csrf_token(xuhui_clerk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(xuhui_clerk)

    response = client.post(reverse("licensing:entity_create"), {"uscc": "x"})

    assert response.status_code == 403
