"""Everything lives in one SQLite file: it survives a restart and keeps no secret in clear."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import sqlite3
import stat
from typing import Any

import aiohttp
import pytest
from yarl import URL

from dispatch_server.app import create_app
from dispatch_server.db import SCHEMA_VERSION, NewerSchemaError
from dispatch_server.store import Store, now

from ..conftest import RESPONDER, RESPONDER_PASSWORD, alert_request, sign_in
from .conftest import SITE, browser, running

RELEASE_NOTE = "Neighbour in 4B has naloxone"


async def _call(
    url: str, method: str, path: str, key: str, body: Any = None, *, idempotency_key: str = ""
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{url}{path}", json=body, headers=headers) as resp,
    ):
        return resp.status, await resp.json()


def _nothing_secret_in_clear(path: Path, *secrets: str) -> None:
    """On disk: the data, but no key, password, cookie or link in clear; owner-only access."""
    on_disk = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    assert RELEASE_NOTE.encode() in on_disk
    for secret in secrets:
        assert secret.encode() not in on_disk, secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        [hashed] = raw.execute("SELECT password_hash FROM responders").fetchone()
        assert hashed.startswith("scrypt$")
    raw.close()


async def test_everything_survives_a_restart(tmp_path: Path, socket_enabled: None) -> None:
    path = tmp_path / "dispatch.sqlite3"
    store = Store(str(path))
    key = store.add_api_key("harbour", "desk")[1]
    store.set_responder(RESPONDER, RESPONDER_PASSWORD, "harbour")
    link = store.new_sign_in_link(RESPONDER, timedelta(hours=1))
    assert link is not None
    async with running(create_app(None, store)) as url, browser() as http:
        status, site = await _call(url, "POST", "/v1/sites", key, SITE)
        assert status == 201
        alert = alert_request(site["site_id"])
        status, created = await _call(
            url, "POST", "/v1/alerts", key, alert, idempotency_key="alert-1"
        )
        assert status == 201
        alert_id = created["alert_id"]
        released = {
            "type": "details_released",
            "at": "2026-11-27T12:05:00+00:00",
            "location": {"label": "Room 1", "address": "12 Example Street"},
            "contacts": [{"name": "Alex", "phone": "+15555550123", "role": "friend"}],
            "notes": RELEASE_NOTE,
        }
        events = f"/v1/alerts/{alert_id}/events"
        assert (await _call(url, "POST", events, key, released, idempotency_key="release"))[
            0
        ] == 200
        csrf = await sign_in(http, url)
        cookie = http.cookie_jar.filter_cookies(URL(url))["dispatch_session"].value
        form = {"status": "acknowledged", "csrf_token": csrf}
        async with http.post(f"{url}/responder/alerts/{alert_id}", data=form) as resp:
            assert resp.status == 200
    store.close()

    _nothing_secret_in_clear(path, key, RESPONDER_PASSWORD, cookie, link)

    store = Store(str(path))
    async with running(create_app(None, store)) as url, browser() as http:
        # The key, the alert and its events, the idempotency record.
        status, again = await _call(
            url, "POST", "/v1/alerts", key, alert, idempotency_key="alert-1"
        )
        assert (status, again) == (200, created)
        changed = alert | {"urgency": "urgent"}
        status, refused = await _call(
            url, "POST", "/v1/alerts", key, changed, idempotency_key="alert-1"
        )
        assert (status, refused["error"]) == (422, "idempotency_key_reused")
        status, read = await _call(url, "GET", f"/v1/alerts/{alert_id}", key)
        assert read["responder"] == {"display_name": RESPONDER, "eta_s": None}
        assert [e["type"] for e in store.alerts[alert_id].events] == ["details_released"]
        # The session from before the restart is still good; so are the password and link.
        http.cookie_jar.update_cookies({"dispatch_session": cookie})
        async with http.get(f"{url}/responder") as resp:
            page = await resp.text()
        assert RELEASE_NOTE in page
        assert f"{RESPONDER} acknowledged" in page
        async with http.get(f"{url}/responder/link/{link}", allow_redirects=False) as resp:
            assert resp.status == 303
    async with running(create_app(None, store)) as url, browser() as http:
        await sign_in(http, url)
    actions = [(e.actor, e.action) for e in store.audit_log()]
    assert (RESPONDER, "acknowledged") in actions
    assert actions.count((RESPONDER, "signed_in")) == 3
    store.close()


def test_a_newer_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(NewerSchemaError):
        Store(str(path))


def test_a_failed_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "broken.sqlite3"
    monkeypatch.setattr("dispatch_server.db.MIGRATIONS", ("CREATE TABLE t (x); nonsense",))
    monkeypatch.setattr("dispatch_server.db.SCHEMA_VERSION", 1)
    with pytest.raises(sqlite3.OperationalError):
        Store(str(path))
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
        assert raw.execute("SELECT name FROM sqlite_master").fetchall() == []
    raw.close()


def test_closed_alerts_can_be_pruned() -> None:
    store = Store()
    site = store.add_site(SITE)["site_id"]
    open_one = store.add_alert(alert_request(site))["alert_id"]
    closed = store.add_alert(alert_request(site))["alert_id"]
    store.set_status(closed, "resolved", "Sam", "test")
    store.remember("default", "/v1/alerts", "k", "digest", {"alert_id": closed})
    assert store.prune(now() - timedelta(days=1)) == 0
    assert store.prune(now() + timedelta(seconds=1)) == 1
    assert list(store.alerts) == [open_one]
    assert store.replay("default", "/v1/alerts", "k") is None
    store.close()
