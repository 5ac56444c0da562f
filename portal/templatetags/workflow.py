"""Templates ask the workflow, not the status (issue 14): ``{% load workflow %}``, then
``{% if obj|can_proceed:"submit" %}`` where an action is offered, and a named property of
the model or its choices (``report.is_returned``, ``state.badge_class``) where a display
is picked. ``tests/portal/test_house_plan.py`` refuses status literals in templates."""

from django import template
from django_fsm import can_proceed as fsm_can_proceed

register = template.Library()


@register.filter
def can_proceed(obj, transition: str) -> bool:
    """Whether the named django-fsm transition's source state and guards allow it now."""
    if obj is None or obj.pk is None:  # nothing saved yet: nothing to move on from
        return False
    return fsm_can_proceed(getattr(obj, transition))
