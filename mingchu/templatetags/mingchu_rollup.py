"""Small formatting filters of the roll-up pages and PDF."""

from django import template

register = template.Library()


@register.filter
def percent(value):
    """12.5 → "12.5%"; None (no quota to compare with) → "—"."""
    return "—" if value is None else f"{value:g}%"
