"""Reading a counter without taking from it (ADR 0032)."""

from portal.models.counters import Counter


def current_value(key: str) -> int:
    """The last value handed out under ``key`` (0 when nothing has been taken yet)."""
    return Counter.objects.filter(key=key).values_list("value", flat=True).first() or 0
