from django.urls import path

from portal.views import auth, display, home, notifications, pages

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("invite/<uidb64>/<token>/", auth.SetPasswordView.as_view(), name="set_password"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("display/elder/", display.elder_mode, name="elder_mode"),
    path("help/", pages.page("help"), name="help"),
    path("contact/", pages.page("contact"), name="contact"),
    path("privacy/", pages.page("privacy"), name="privacy"),
    path("accessibility/", pages.page("accessibility"), name="accessibility"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("notifications/read/", notifications.mark_read, name="notifications_read"),
]
