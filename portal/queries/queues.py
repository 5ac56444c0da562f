"""Narrowing a work queue by the search-and-filter form: one WHERE clause, no extra query."""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from portal.identifiers import normalise_identifier


def filter_queue(
    queryset: QuerySet, form, *, search: tuple[str, ...], status_field: str | None = "status"
):
    """``queryset`` narrowed to rows where any of ``search`` (field lookups) contains the
    search text (also half-width and upper-cased, as identifiers are stored), and to the
    chosen status in ``status_field`` (None: the status filters another list of the page)."""
    if not form.is_valid():
        return queryset
    text = form.cleaned_data.get("q", "").strip()
    if text and search:
        variants = {text, normalise_identifier(text)}
        queryset = queryset.filter(
            reduce(or_, (Q(**{f"{f}__icontains": v}) for f in search for v in variants))
        )
    if status_field and (status := form.cleaned_data.get("status")):
        queryset = queryset.filter(**{status_field: status})
    return queryset
