"""Status updates from the dispatch service: the signed webhook, the responder page that sends
it, and polling when Home Assistant cannot be called back."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from dispatch_server.webhooks import signed_headers

from .conftest import (
    BUTTON,
    RESPONDER,
    RESPONDER_PASSWORD,
    WEBHOOK_ID,
    RunningServer,
    sign_in,
    site_with_station,
    station_data,
)
from .helpers import advance, setup_site, station_state

type ClientFactory = Any


async def _alert(hass: HomeAssistant, server: RunningServer) -> str:
    """A help request that reached the server; its alert id."""
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(server, station_data()))
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()
    [alert_id] = server.store.alerts
    return alert_id


def _update(alert_id: str, status: str = "acknowledged", event_id: str = "e1") -> dict[str, Any]:
    return {
        "event_id": event_id,
        "alert_id": alert_id,
        "status": status,
        "responder": {"display_name": "Sam from the desk", "eta_s": 240},
        "outcome": None,
        "at": dt_util.utcnow().isoformat(),
    }


async def _post(
    client: TestClient, secret: str, body: dict[str, Any], timestamp: int | None = None
) -> int:
    raw = json.dumps(body).encode()
    if timestamp is None:
        timestamp = int(dt_util.utcnow().timestamp())
    headers = signed_headers(secret, raw, timestamp)
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    return response.status


@pytest.fixture
async def client(hass: HomeAssistant, hass_client_no_auth: ClientFactory) -> TestClient:
    return await hass_client_no_auth()


def _secret(server: RunningServer) -> str:
    [site] = server.store.sites.values()
    return str(site["webhook_secret"])


async def test_signed_update_reaches_the_station(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_client_no_auth: ClientFactory
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    secret = _secret(dispatch_server)
    assert await _post(client, secret, _update(alert_id)) == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
    # The same event again is a replay.
    assert await _post(client, secret, _update(alert_id)) == 409
    # En route is news for the event entity.
    assert await _post(client, secret, _update(alert_id, "en_route", "e2")) == 204
    await hass.async_block_till_done()
    event = hass.states.get("event.room_1_alert_steps")
    assert event is not None
    assert event.attributes["event_type"] == "en_route"
    update = _update(alert_id, "resolved", "e3") | {"outcome": "occupant_ok"}
    assert await _post(client, secret, update) == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"


async def test_forged_stale_unknown_and_unreadable_updates_are_refused(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    hass_client_no_auth: ClientFactory,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Time stands still, so "301 s off" is exactly that whenever the second turns.
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    secret = _secret(dispatch_server)
    now = int(dt_util.utcnow().timestamp())
    assert await _post(client, "not-the-secret", _update(alert_id)) == 401
    assert await _post(client, secret, _update(alert_id), now - 301) == 401
    assert await _post(client, secret, _update(alert_id), now + 301) == 401
    assert await _post(client, secret, _update("someone-else")) == 404
    raw = b"not json"
    headers = signed_headers(secret, raw, now)
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=headers)
    assert response.status == 400
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"{}")
    assert response.status == 401
    assert station_state(hass) == "alert"


async def test_responder_page_drives_the_webhook_end_to_end(
    hass: HomeAssistant, dispatch_server: RunningServer, hass_client_no_auth: ClientFactory
) -> None:
    """A responder at the desk acts on the page; the site hears it through its webhook."""
    alert_id = await _alert(hass, dispatch_server)
    client = await hass_client_no_auth()
    [site_id] = dispatch_server.store.sites
    dispatch_server.store.set_callback_url(
        site_id, str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    )
    dispatch_server.store.set_responder(RESPONDER, RESPONDER_PASSWORD)
    csrf = await sign_in(client.session, dispatch_server.url)
    async with client.session.get(f"{dispatch_server.url}/responder") as page:
        html = await page.text()
    assert "Room 1" in html
    assert "12 Example Street" in html
    form = {"status": "en_route", "csrf_token": csrf}
    async with client.session.post(
        f"{dispatch_server.url}/responder/alerts/{alert_id}", data=form, allow_redirects=False
    ) as resp:
        assert resp.status == 303
    await hass.async_block_till_done()
    assert dispatch_server.store.webhooks[-1][2] == 204
    assert station_state(hass) == "responder_attending"

    form = {"status": "resolved", "outcome": "space_empty", "csrf_token": csrf}
    async with client.session.post(
        f"{dispatch_server.url}/responder/alerts/{alert_id}", data=form, allow_redirects=False
    ) as resp:
        assert resp.status == 303
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    async with client.session.get(f"{dispatch_server.url}/responder") as page:
        assert "No open alerts" in await page.text()
    for bad in ({"status": "lost"}, {"status": "resolved"}):
        async with client.session.post(
            f"{dispatch_server.url}/responder/alerts/{alert_id}", data=bad | {"csrf_token": csrf}
        ) as resp:
            assert resp.status == 400
    async with client.session.post(
        f"{dispatch_server.url}/responder/alerts/missing", data=form
    ) as resp:
        assert resp.status == 404


async def test_polling_when_the_service_cannot_call_back(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    alert_id = await _alert(hass, dispatch_server)
    dispatch_server.store.set_status(alert_id, "acknowledged", "Riley", None)
    await advance(hass, freezer, 5)
    assert station_state(hass) == "responder_attending"
    dispatch_server.store.set_status(alert_id, "resolved", "Riley", "safer_use")
    await advance(hass, freezer, 5)
    assert station_state(hass) == "idle"
    [stored] = dispatch_server.store.alerts.values()
    # Closing here is echoed to the service once, with the same outcome.
    assert [e.get("outcome") for e in stored.events] == ["safer_use"]


async def test_dispatch_failed_tells_the_fallback_group(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    from pytest_homeassistant_custom_component.common import async_mock_service  # noqa: PLC0415

    desk = async_mock_service(hass, "notify", "desk")
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(
        hass,
        site_with_station(
            dispatch_server, station_data(), options={"fallback": "Desk = notify.desk"}
        ),
    )
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat())
    await hass.async_block_till_done()
    [alert_id] = dispatch_server.store.alerts
    dispatch_server.store.set_status(alert_id, "failed", None, None)
    await advance(hass, freezer, 5)
    assert "nobody has answered yet" in desk[-1].data["message"]
    assert station_state(hass) == "alert"
