"""The published catalogue, read once per process for the requirements API (ADR 0024).

A published version never changes (its formats and items are frozen; edits go to a new
draft), so its formats with everything a decision reads are kept by version id with no
expiry. Which version is current changes only when ``publish_version`` publishes another:
that is held in process memory too and forgotten through the invalidation channel
(``catalogue``) after the commit; without the channel it is asked each time (one query).
"""

from dataclasses import dataclass

from elicense.queries import memory
from yiyeyizheng.models import BusinessFormat, CatalogueVersion, FormatItem

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


@dataclass(frozen=True)
class PublishedItem:
    """One item of a published format, with the names its answer shows, read once."""

    item: FormatItem
    name: str
    #: The approving departments' short names, joined with 、.
    department: str


@dataclass(frozen=True)
class PublishedFormat:
    #: The format as the API shows it (``FormatOut``).
    summary: dict
    items: tuple[PublishedItem, ...]


def format_summary(business_format: BusinessFormat) -> dict:
    """The format as the API shows it (``FormatOut``)."""
    return {
        "seq": business_format.seq,
        "category": business_format.category,
        "name": business_format.name,
        "lead_department": business_format.lead_department.short_name,
    }


def _published(business_format: BusinessFormat) -> PublishedFormat:
    return PublishedFormat(
        summary=format_summary(business_format),
        items=tuple(
            PublishedItem(
                item=item,
                name=item.permit.name,
                department="、".join(dept.short_name for dept in item.departments.all()),
            )
            for item in business_format.items.all()
        ),
    )


def formats_of(version: CatalogueVersion) -> dict[int, PublishedFormat]:
    """The published version's formats by 序号, with items, permits and departments."""
    held = _formats.get(version.pk)
    if held is None:
        held = {f.seq: _published(f) for f in BusinessFormat.objects.of(version).with_items()}
        _formats.put(version.pk, held)
    return held


def forget_current() -> None:
    """Called by ``publish_version``: every process asks again after the commit."""
    memory.invalidate(KIND)
