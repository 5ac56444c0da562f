"""The published catalogue, read once per process for the requirements API (ADR 0024).

A published version never changes (its formats and items are frozen; edits go to a new
draft), so its formats with everything a decision reads are kept by version id with no
expiry. Which version is current changes only when ``publish_version`` publishes another:
that is held in process memory too and forgotten through the invalidation channel
(``catalogue``) after the commit; without the channel it is asked each time (one query).
"""

from elicense.queries import memory
from yiyeyizheng.models import BusinessFormat, CatalogueVersion

KIND = "catalogue"
_current = memory.Lru(1, kind=KIND)
_formats = memory.Lru(8, ttl=None)
_NONE = object()


def current_version() -> CatalogueVersion | None:
    """``CatalogueVersion.current()``, from memory while the channel is up."""
    usable = memory.usable()
    held = _current.get("current") if usable else None
    if held is None:
        held = CatalogueVersion.current() or _NONE
        if usable:
            _current.put("current", held)
    return None if held is _NONE else held


def formats_of(version: CatalogueVersion) -> dict[int, BusinessFormat]:
    """The published version's formats by 序号, with items, permits and departments."""
    held = _formats.get(version.pk)
    if held is None:
        held = {f.seq: f for f in BusinessFormat.objects.of(version).with_items()}
        _formats.put(version.pk, held)
    return held


def forget_current() -> None:
    """Called by ``publish_version``: every process asks again after the commit."""
    memory.invalidate(KIND)
