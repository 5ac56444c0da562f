"""``{% form_token %}``: the hidden one-time token of a form that creates something."""

from django import template
from django.utils.html import format_html

from portal.idempotency import FORM_TOKEN_FIELD, new_form_token, posted_form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    """A fresh token for a new form; the posted one when the form is shown again with
    errors (nothing was created, so the token is still unused)."""
    request = context.get("request")
    token = (posted_form_token(request) if request is not None else "") or new_form_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, token)
