"""忘记密码: Django's own reset by e-mail, in Chinese, never telling whether an address is
known; the mailed link points at the portal's own address, works once, and is audited."""

import re

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_resets_a_forgotten_password_by_email(client, mailoutbox, settings):
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    user = UserFactory(role=Role.WINDOW_CLERK, username="clerk_zhang", email="zhang@example.gov.cn")
    login_page = client.get(reverse("portal:login")).content.decode()
    assert reverse("portal:password_reset") in login_page and "忘记密码" in login_page

    unknown = client.post(reverse("portal:password_reset"), {"email": "nobody@example.gov.cn"})
    assert unknown.url == reverse("portal:password_reset_done") and mailoutbox == []

    client.post(reverse("portal:password_reset"), {"email": "zhang@example.gov.cn"})

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["zhang@example.gov.cn"] and "重设密码" in mail.subject
    assert "clerk_zhang" in mail.body
    link = re.search(r"https://zwfw\.example\.gov\.cn(/password/reset/\S+/)", mail.body).group(1)

    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    new = "Xinmima-2026-qiang"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "密码已重新设置" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)
    assert AuditEvent.objects.filter(action="account.password_reset", actor=user).exists()

    reused = client.get(link, follow=True).content.decode()
    assert "data-reset-invalid" in reused


def test_errors_are_in_chinese(client):
    page = client.post(reverse("portal:password_reset"), {"email": "不是邮箱"}).content.decode()
    assert "请填写有效的邮箱地址" in page and "<title>错误：" in page
