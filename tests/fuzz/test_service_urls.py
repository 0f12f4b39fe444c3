"""Reading the dispatch service address typed in the config flow."""

from __future__ import annotations

from hypothesis import example, given
from yarl import URL

from custom_components.brave.adapters.dispatch_client import (
    InvalidServiceUrlError,
    normalize_service_url,
)

from .strategies import FUZZ, service_addresses


@FUZZ
@given(service_addresses)
@example("https://" + "\u00e9" * 70 + ".org")
@example("https://exa\u202emple.org")
@example("https://exa\x00mple.org")
@example("http://[fe80::1%25eth0]:8765")
@example("https://dispatch.example.org:\uff18\uff10")
def test_address_is_canonical_and_usable_or_invalid(raw: str) -> None:
    try:
        url = normalize_service_url(raw)
    except InvalidServiceUrlError:
        return
    parsed = URL(url)  # what the client builds on: yarl takes it as is
    assert parsed.scheme in ("http", "https")
    assert parsed.raw_host
    assert not parsed.user
    assert not parsed.password
    assert not parsed.query_string
    assert not parsed.fragment
    assert parsed.port is not None
    assert 0 < parsed.port < 65_536
    assert url.isprintable()
    assert not any(ch.isspace() for ch in url)
    # Canonical: normalizing again changes nothing (a duplicate site is recognised).
    assert normalize_service_url(url) == url
