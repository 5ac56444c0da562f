"""Templates ask the workflow, not the status: ``{% if obj|can_proceed:"submit" %}``."""

from django import template
from django_fsm import can_proceed as fsm_can_proceed

register = template.Library()


@register.filter
def can_proceed(obj, transition: str) -> bool:
    """Whether the named django-fsm transition's source state and guards allow it now."""
    if obj is None or obj.pk is None:  # nothing saved yet: nothing to move on from
        return False
    return fsm_can_proceed(getattr(obj, transition))
