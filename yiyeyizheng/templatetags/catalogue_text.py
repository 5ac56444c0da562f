"""Catalogue values as people read them: ``{{ rule|rule_text }}``."""

from django import template

from yiyeyizheng.models.rule_schema import describe_rule

register = template.Library()


@register.filter
def rule_text(value):
    """A rule (dict) in plain Chinese; any other value unchanged."""
    return describe_rule(value) if isinstance(value, dict) else value
