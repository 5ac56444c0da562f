"""Sign-in and sign-out, with login throttling by django-axes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from portal.audit import PortalAction, record_event
from portal.forms import LoginForm
from portal.hooks import registry
from portal.middleware import public_base_url

LOCKOUT_MESSAGE = (
    "登录失败次数过多，已暂停从您当前的网络地址登录{minutes}分钟，其他地址不受影响。"
    "请稍后再试；如需立即解除，请联系系统管理员。"
)


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_panels": registry.login_panels}


class LogoutView(auth_views.LogoutView):
    pass


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """An invited user sets a first password through a single-use link."""

    template_name = "portal/set_password.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, "密码已设置，请登录。")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码: Django's own reset by e-mail. The answer never says whether the address is
    known; the link in the mail points at the portal's public address."""

    template_name = "portal/password_reset_form.html"
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["email"].label = "注册邮箱"
        form.fields["email"].error_messages.update(
            {"required": "请填写注册时使用的邮箱。", "invalid": "请填写有效的邮箱地址。"}
        )
        return form

    def form_valid(self, form):
        self.extra_email_context = {"base_url": public_base_url()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the mail: a new password, once; the change is audited."""

    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(actor=form.user, action=PortalAction.ACCOUNT_PASSWORD_RESET, obj=form.user)
        messages.success(self.request, "密码已重新设置，请用新密码登录。")
        return response


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """What a locked-out address sees instead of another attempt (HTTP 429).

    Axes locks (username, address) pairs and addresses, never a username alone (ADR 0013),
    so the page says the lock holds for this address only.
    """
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    response = render(
        request,
        "portal/login.html",
        {
            "form": LoginForm(request),
            "lockout_message": LOCKOUT_MESSAGE.format(minutes=minutes),
            "login_panels": registry.login_panels,
        },
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
