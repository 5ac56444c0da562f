"""Template helpers of the one form pattern (``includes/form_errors.html``)."""

from django import template

register = template.Library()


@register.filter
def has_required_fields(form) -> bool:
    """Whether the form asks for anything required (then the page explains the * mark)."""
    return any(field.required for field in getattr(form, "fields", {}).values())
