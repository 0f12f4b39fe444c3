"""Status from the dispatch service arrives whatever the network between it and Home Assistant.

A site registered with a private address as its callback (the service can never reach it)
still learns of a responder in time by polling, tells the user its webhooks are not arriving,
and clears that when they arrive again. A status that means the service could send nobody
reaches the fallback group once, however many polls (and restarts) see it.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from custom_components.brave.adapters.site import ISSUE_WEBHOOKS, POLL_INTERVAL, WEBHOOK_GRACE
from custom_components.brave.const import DOMAIN
from dispatch_server.webhooks import signed_headers

from ..conftest import WEBHOOK_ID
from ..crash import crashed
from ..helpers import advance, station_state
from .conftest import (
    Desk,
    FaultyServer,
    Heard,
    advance_to,
    free_port,
    hang,
    listen,
    press,
    run_until,
    start_site,
    tick,
)

type ClientFactory = Any

PRIVATE_CALLBACK = f"http://192.168.1.20:8123/api/webhook/{WEBHOOK_ID}"
GRACE_AND_ONE_POLL = (WEBHOOK_GRACE + POLL_INTERVAL).total_seconds()
FAILED_NOTICE = "Room 1 needs a SAFETY CHECK and nobody has answered yet. One final alert follows."


def _webhook_issues(hass: HomeAssistant) -> list[str]:
    return [
        issue_id
        for (domain, issue_id) in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith(ISSUE_WEBHOOKS)
    ]


def _secret(server: FaultyServer) -> str:
    [site] = server.store.sites.values()
    return str(site["webhook_secret"])


async def _alert(hass: HomeAssistant, server: FaultyServer) -> str:
    press(hass)
    await hass.async_block_till_done()
    [alert_id] = server.store.alerts
    return alert_id


async def test_webhooks_that_cannot_arrive_are_made_up_for_by_polling(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    desk: Desk,
    hass_client_no_auth: ClientFactory,
) -> None:
    await start_site(hass, server, callback_url=PRIVATE_CALLBACK)
    [site_id] = server.store.sites
    # What the service sees of that address: nothing listens.
    server.store.set_callback_url(
        site_id, f"http://127.0.0.1:{free_port()}/api/webhook/{WEBHOOK_ID}"
    )
    alert_id = await _alert(hass, server)
    server.clock.start()

    await desk.act(alert_id, "acknowledged")
    assert server.store.webhooks[-1][2] is None
    await run_until(
        hass, freezer, lambda: station_state(hass) == "responder_attending", step=1, limit=40
    )
    assert server.clock() <= GRACE_AND_ONE_POLL
    # One update missed could be a race; the second tells the user.
    assert _webhook_issues(hass) == []

    server.clock.start()
    await desk.act(alert_id, "en_route")
    await run_until(hass, freezer, lambda: bool(_webhook_issues(hass)), step=1, limit=40)
    assert server.clock() <= GRACE_AND_ONE_POLL
    steps = hass.states.get("event.room_1_alert_steps")
    assert steps is not None
    assert steps.attributes["event_type"] == "en_route"

    # The address is fixed: the next update arrives by webhook, and the repair goes.
    client: TestClient = await hass_client_no_auth()
    server.store.set_callback_url(site_id, str(client.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    await desk.act(alert_id, "on_scene")
    await hass.async_block_till_done()
    assert server.store.webhooks[-1][2] == 204
    assert _webhook_issues(hass) == []
    steps = hass.states.get("event.room_1_alert_steps")
    assert steps is not None
    assert steps.attributes["event_type"] == "on_scene"


async def test_webhooks_that_arrive_never_raise_the_repair(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    desk: Desk,
    hass_client_no_auth: ClientFactory,
) -> None:
    """Updates that come by webhook are not counted as missed ones."""
    await start_site(hass, server, callback_url=PRIVATE_CALLBACK)
    client: TestClient = await hass_client_no_auth()
    [site_id] = server.store.sites
    server.store.set_callback_url(site_id, str(client.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    alert_id = await _alert(hass, server)
    for status in ("acknowledged", "en_route", "on_scene"):
        await desk.act(alert_id, status)
        await advance(hass, freezer, 10)
    assert [code for _, _, code in server.store.webhooks] == [204, 204, 204]
    assert _webhook_issues(hass) == []


async def test_failed_dispatch_is_told_once_however_many_polls_and_restarts(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    entry = await start_site(hass, server)
    server.clock.start()
    alert_id = await _alert(hass, server)
    server.store.set_status(alert_id, "failed", None, None)
    await advance_to(hass, freezer, server.clock, *range(5, 101, 5))
    [notice] = fallback
    assert notice.message.startswith(FAILED_NOTICE)
    # Past the release point (a help request releases): where to go comes with it.
    assert "12 Example Street" in notice.message
    assert fallback[0].at <= POLL_INTERVAL.total_seconds()

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await start_site_again(hass, entry)
    await advance_to(hass, freezer, server.clock, *range(105, 236, 5))
    assert len(fallback) == 1
    # The ladder goes on: its own fallback step and the final alert.
    await advance_to(hass, freezer, server.clock, 240, 360)
    assert [h.at for h in fallback[1:]] == [240, 360]
    assert fallback[1].message.startswith(FAILED_NOTICE)
    assert fallback[2].message.startswith("FINAL alert")


async def test_failed_dispatch_is_not_told_again_after_a_crash(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    """The notice left Home Assistant: what made it is on disk before a crash can undo it."""
    entry = await start_site(hass, server)
    alert_id = await _alert(hass, server)
    server.store.set_status(alert_id, "failed", None, None)
    await advance(hass, freezer, 5)
    assert len(fallback) == 1
    freezer.tick(0.1)
    async with crashed(hass, hass_storage, entry) as (after, _):
        heard = listen(after, "fallback_sms", server.clock)
        for _ in range(12):
            await advance(after, freezer, 5)
        assert heard == []


async def test_failed_by_webhook_then_by_polls_is_told_once(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
    hass_client_no_auth: ClientFactory,
) -> None:
    await start_site(hass, server, callback_url=PRIVATE_CALLBACK)
    client: TestClient = await hass_client_no_auth()
    alert_id = await _alert(hass, server)
    server.store.set_status(alert_id, "failed", None, None)
    update = {
        "event_id": "e1",
        "alert_id": alert_id,
        "status": "failed",
        "responder": None,
        "outcome": None,
        "at": dt_util.utcnow().isoformat(),
    }
    raw = json.dumps(update).encode()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=raw, headers=signed_headers(_secret(server), raw)
    )
    assert response.status == 204
    await hass.async_block_till_done()
    # No webhook for a while: polls see the same status, again and again.
    for _ in range(30):
        await advance(hass, freezer, 5)
    assert len(fallback) == 1
    assert fallback[0].message.startswith(FAILED_NOTICE)


async def start_site_again(hass: HomeAssistant, entry: Any) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_poll_that_hangs_does_not_hold_up_another_alerts(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    """The service hangs on one alert's status and answers another's: the other shows at
    the next poll, not after the hanging request's timeout."""
    await start_site(hass, server, rooms=2)
    press(hass, 1)
    press(hass, 2)
    await hass.async_block_till_done()
    first, second = (
        alert_id
        for _, alert_id in sorted(
            (stored.request["station"]["id"], alert_id)
            for alert_id, stored in server.store.alerts.items()
        )
    )
    server.fault(hang(server), method="GET", path=f"/v1/alerts/{first}")
    server.store.set_status(second, "acknowledged", "Riley", None)
    server.clock.start()
    for _ in range(10):
        await tick(hass, freezer, 1)
        if _room_state(hass, 2) == "responder_attending":
            break
    assert server.clock() <= POLL_INTERVAL.total_seconds()
    assert _room_state(hass, 1) == "alert"


def _room_state(hass: HomeAssistant, room: int) -> str:
    state = hass.states.get(f"sensor.room_{room}_state")
    assert state is not None
    return state.state
