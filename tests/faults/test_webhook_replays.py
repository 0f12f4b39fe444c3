"""A status update replayed later, after a restart or after a crash: refused, never applied
twice. Once out of its time window, refused as stale."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.brave.adapters.webhook import MAX_SKEW_S
from dispatch_server.webhooks import signed_headers

from ..conftest import WEBHOOK_ID
from ..crash import crashed
from ..helpers import advance, station_state
from .conftest import FaultyServer, press, start_site

type ClientFactory = Callable[[], Awaitable[TestClient]]
PRIVATE_CALLBACK = f"http://192.168.1.20:8123/api/webhook/{WEBHOOK_ID}"


class Update:
    """One signed update as the service sent it: the same bytes and headers every time."""

    def __init__(self, server: FaultyServer, alert_id: str, event_id: str = "event-1") -> None:
        [site] = server.store.sites.values()
        self.timestamp = int(dt_util.utcnow().timestamp())
        self.raw = json.dumps(
            {
                "event_id": event_id,
                "alert_id": alert_id,
                "status": "acknowledged",
                "responder": {"display_name": "Sam", "eta_s": 300},
                "outcome": None,
                "at": dt_util.utcnow().isoformat(),
            }
        ).encode()
        self.headers = signed_headers(str(site["webhook_secret"]), self.raw, self.timestamp)

    async def send(self, client: TestClient) -> int:
        response = await client.post(
            f"/api/webhook/{WEBHOOK_ID}", data=self.raw, headers=self.headers
        )
        return response.status


async def _site_with_alert(hass: HomeAssistant, server: FaultyServer) -> tuple[Any, str]:
    entry = await start_site(hass, server, callback_url=PRIVATE_CALLBACK)
    press(hass)
    await hass.async_block_till_done()
    [alert_id] = server.store.alerts
    return entry, alert_id


async def test_replay_later_and_after_a_restart_is_refused_then_stale(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: ClientFactory,
) -> None:
    entry, alert_id = await _site_with_alert(hass, server)
    client = await hass_client_no_auth()
    update = Update(server, alert_id)
    assert await update.send(client) == 204
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"

    await advance(hass, freezer, 120)
    assert await update.send(client) == 409

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert await update.send(client) == 409

    # Past its window the same request is stale, whatever was remembered.
    await advance(hass, freezer, MAX_SKEW_S - 120 + 1)
    assert await update.send(client) == 401
    assert station_state(hass) == "responder_attending"


async def test_replay_after_a_crash_is_refused(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    server: FaultyServer,
    hass_client_no_auth: ClientFactory,
    aiohttp_client: Callable[[Any], Awaitable[TestClient]],
) -> None:
    """The 204 left Home Assistant: the record of it is on disk before a crash can lose it,
    even for an update that changed nothing (the same status again)."""
    entry, alert_id = await _site_with_alert(hass, server)
    client = await hass_client_no_auth()
    assert await Update(server, alert_id).send(client) == 204
    update = Update(server, alert_id, "event-2")
    assert await update.send(client) == 204
    async with crashed(hass, hass_storage, entry) as (after, _):
        assert after.http is not None
        again = await aiohttp_client(after.http.app)
        assert await update.send(again) == 409
        await again.close()
