"""A site's identity: the dispatch service it uses and the name people give it.

Several sites (one per building) can share a service; the same name twice at one service is
the same site.
"""

from __future__ import annotations


def clean_site_name(text: str) -> str:
    """A site name as shown: spaces collapsed, ends trimmed."""
    return " ".join(text.split())


def site_unique_id(url: str, name: str) -> str:
    """The config entry's unique id: the service's URL and the name, whatever its case."""
    return f"{url}#{clean_site_name(name).casefold()}"
