"""The portal's own public pages: help, contact (12315), privacy, accessibility, favicon."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

#: (url name, template, title): each is a plain page anyone may read, linked from every footer.
PAGES = {
    "help": ("portal/page_help.html", "使用帮助"),
    "contact": ("portal/page_contact.html", "联系我们"),
    "privacy": ("portal/page_privacy.html", "隐私声明"),
    "accessibility": ("portal/page_accessibility.html", "无障碍声明"),
}


def page(name: str):
    template, title = PAGES[name]
    return cache_control(public=True, max_age=3600)(
        TemplateView.as_view(template_name=template, extra_context={"page_title": title})
    )


@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: our own icon (static/portal/)."""
    return redirect(static("portal/favicon.ico"))
