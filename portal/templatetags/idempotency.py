"""``{% form_token %}``: the hidden one-time token of a form that creates something."""

from django import template
from django.utils.html import format_html

from portal.idempotency import FORM_TOKEN_FIELD, new_form_token

register = template.Library()


@register.simple_tag
def form_token():
    """A fresh token each time the form is shown. A form shown again with errors gets a new
    one too: nothing was created under the old one, and on a page with several forms each
    keeps its own."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, new_form_token()
    )
