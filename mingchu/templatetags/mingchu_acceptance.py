"""Templates ask the workflow, not the status: ``{% if obj|can_proceed:"submit" %}`` (the
portal's filter, ``portal.templatetags.workflow``, kept under this name for the acceptance
pages)."""

from django import template

from portal.templatetags.workflow import can_proceed

register = template.Library()
register.filter("can_proceed", can_proceed)
