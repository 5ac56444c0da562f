"""Helpers for double-submit stories: the one-time token a form page renders."""

import re

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client, url, params=None) -> str:
    """The one-time token of the form on ``url``, as a browser would send it back."""
    page = client.get(url, params or {}).content.decode()
    match = TOKEN.search(page)
    assert match, f"no form_token on {url}"
    return match.group(1)
