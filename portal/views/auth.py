"""Sign-in and sign-out, with login throttling by django-axes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from portal.forms import LoginForm
from portal.hooks import registry

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
