"""Reads of the register that are more than a queryset method (DESIGN.md §3)."""
