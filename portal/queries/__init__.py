"""Reads of the core that more than one app uses."""
