"""What the command line manages, through the store it calls: keys, responders, writes."""

from __future__ import annotations

from datetime import timedelta
import sqlite3

import pytest

from dispatch_server.protection import HostAllowlist
from dispatch_server.store import Store
from dispatch_server.views import alert_view

from ..conftest import alert_request
from .conftest import SITE


@pytest.fixture
def store() -> Store:
    return Store()


def test_api_keys_are_listed_without_the_keys(store: Store) -> None:
    key_id, key = store.add_api_key("harbour", "front desk")
    assert key.startswith("bdk_")
    assert len(key) > 40
    assert store.ensure_api_key(key) == "present"
    assert store.ensure_api_key("chosen-key") == "added"
    [first, second] = store.api_keys()
    assert (first.key_id, first.tenant, first.label, first.revoked_at) == (
        key_id,
        "harbour",
        "front desk",
        None,
    )
    assert second.tenant == "default"
    assert store.revoke_api_key(second.key_id)
    # A revoked key is not brought back by naming it again.
    assert store.ensure_api_key("chosen-key") == "revoked"
    assert store.key_owner("chosen-key") is None
    owner = store.key_owner(key)
    assert owner is not None
    assert (owner.key_id, owner.tenant) == (key_id, "harbour")


def test_responders_and_their_sites(store: Store) -> None:
    site = store.add_site(SITE, "harbour")["site_id"]
    other = store.add_site(SITE)["site_id"]
    with pytest.raises(ValueError, match="is not a site of harbour"):
        store.set_responder("Lee", "password1", "harbour", [other])
    lee = store.set_responder("Lee", None, "harbour", [site])
    assert lee.sites == (site,)
    # No password yet: links only.
    assert store.sign_in_candidate("Lee") == (lee, None)
    store.set_responder("Lee", "password1", "harbour", [site])
    session = store.new_session(lee)
    # Updating without a password keeps it, and the session.
    store.set_responder("Lee", None, "harbour")
    responder, hashed = store.sign_in_candidate("Lee")
    assert hashed is not None
    assert responder is not None
    assert responder.sites is None
    assert store.session(session) is not None
    assert store.sign_in_candidate("Nobody") == (None, None)
    assert store.remove_responder("Lee")
    assert not store.remove_responder("Lee")
    assert store.session(session) is None
    assert store.responders() == []
    audit = [(e.actor, e.action, e.detail) for e in store.audit_log()]
    assert ("operator", "responder_removed", "Lee") in audit


def test_a_failed_write_leaves_nothing_behind(store: Store) -> None:
    site = store.add_site(SITE)["site_id"]

    def write_twice() -> None:
        with store.transaction():
            store.add_alert(alert_request(site))
            store.remember("default", "/v1/alerts", "k", "digest", {})
            store.remember("default", "/v1/alerts", "k", "digest", {})

    with pytest.raises(sqlite3.IntegrityError):
        write_twice()
    assert store.alerts == {}
    assert store.replay("default", "/v1/alerts", "k") is None


def test_site_events_and_a_failed_dispatch_read_plainly(store: Store) -> None:
    site = store.add_site(SITE)["site_id"]
    alert_id = store.add_alert(alert_request(site))["alert_id"]
    at = "2026-11-27T12:00:00+00:00"
    store.add_event(alert_id, {"type": "escalated", "at": at})
    store.add_event(alert_id, {"type": "resolved", "at": at, "outcome": "occupant_ok"})
    update = store.set_status(alert_id, "failed", None, None)
    assert update["responder"] is None
    view = alert_view(store.alerts[alert_id])
    assert view["urgent"]
    assert view["status_text"] == "No responder sent"
    assert [line["text"] for line in view["history"]][1:] == [
        "Escalated: now urgent",
        "Closed at the site: Occupant okay",
        "No responder could be sent",
    ]
    store.add_event(alert_id, {"type": "cancelled", "at": at})
    assert store.alerts[alert_id].alert["status"] == "cancelled"
    assert store.new_sign_in_link("Nobody", timedelta(minutes=1)) is None


def test_the_host_allowlist() -> None:
    hosts = HostAllowlist(set())
    hosts.allow_bound("127.0.0.1", 8765)
    assert hosts.allows("127.0.0.1:8765")
    assert hosts.allows("LOCALHOST:8765")
    assert hosts.allows("[::1]:8765")
    assert not hosts.allows("localhost:8766")
    assert not hosts.allows("evil.example:8765")
    public = HostAllowlist({"dispatch.example.org"})
    public.allow_bound("0.0.0.0", 8765)  # noqa: S104 (the name, not a bind)
    assert public.allows("dispatch.example.org")
    assert public.allows("0.0.0.0:8765")
    assert not public.allows("localhost:8765")
    ipv6 = HostAllowlist(set())
    ipv6.allow_bound("::1", 80)
    assert ipv6.allows("[::1]:80")
    assert ipv6.allows("localhost:80")
    named = HostAllowlist(set())
    named.allow_bound("localhost", 80)
    assert named.allows("127.0.0.1:80")
    lan = HostAllowlist(set())
    lan.allow_bound("dispatch.internal", 80)
    assert lan.hosts == {"dispatch.internal:80"}
