"""A long dispatch outage, and a crash the instant an alert left: nothing lost, nothing twice."""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.brave.const import DOMAIN

from ..crash import crashed
from .conftest import (
    FaultyServer,
    Handler,
    Heard,
    advance_to,
    listen,
    press,
    run_until,
    start_site,
    station_device,
    status,
)

QUEUED = "sensor.brave_reference_dispatch_queued_dispatch_writes"
ROOMS = 20


def _queued(hass: HomeAssistant) -> int:
    state = hass.states.get(QUEUED)
    assert state is not None
    return int(state.state)


async def test_queue_built_over_a_long_outage_goes_at_once_when_the_service_is_back(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    fallback: list[Heard],
) -> None:
    """20 rooms call for help over 30 minutes while the service is down; when it returns,
    everything queued is delivered within seconds, once each."""
    await start_site(hass, server, rooms=ROOMS)
    await server.down()
    server.clock.start()
    # A room calls every 90 s. Nothing else runs on a deadline (each alert is taken by the
    # site's own responder), so time passes in steps of 30 s.
    for second in range(0, 1831, 30):
        await advance_to(hass, freezer, server.clock, second)
        if second % 90 == 0 and (room := second // 90 + 1) <= ROOMS:
            press(hass, room)
            # A responder of the site's own takes it by SMS: the ladder stops there, the alert
            # still waits for the service.
            await hass.services.async_call(
                DOMAIN, "acknowledge", {"station": station_device(hass, room)}, blocking=True
            )
    assert _queued(hass) == ROOMS
    assert len(fallback) == ROOMS
    assert server.arrivals == []

    # Back between two liveness checks (every 60 s) and long before any write's next retry:
    # the newest was queued 2.5 minutes ago, its back-off is past 100 s by now.
    await advance_to(hass, freezer, server.clock, 1833)
    await server.up()
    await run_until(hass, freezer, lambda: _queued(hass) == 0, limit=30)
    # The next probe finds it back (within 5 s), and everything goes at once.
    assert server.clock() <= 1833 + 5.5
    assert len(server.store.alerts) == ROOMS
    writes = [a for a in server.arrivals if a.method == "POST"]
    # Once each: no key twice.
    assert len({w.key for w in writes}) == len(writes)
    assert len(writes) == ROOMS
    assert not [i for (d, _), i in ir.async_get(hass).issues.items() if d == DOMAIN]


async def test_service_up_but_failing_writes_gets_one_write_per_probe(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    """Its health answers, its writes fail (500, no Retry-After): each alert keeps its own
    back-off, and each probe lets one write through, never the whole queue."""
    await start_site(hass, server, rooms=ROOMS)
    server.fault(status(500, b"database is locked"))
    server.clock.start()
    for room in range(1, ROOMS + 1):
        press(hass, room)
    await hass.async_block_till_done()
    await advance_to(hass, freezer, server.clock, *(n / 2 for n in range(1, 121)))
    posts = server.alert_posts()
    # First attempts, then retries no faster than the back-off (at most 6 each in 60 s:
    # 0.5 + 1 + 2 + 4 + 8 + 16 s at the least), plus one per probe (every 5 s) and the
    # liveness check (60 s).
    assert len(posts) <= ROOMS * 7 + 12 + 1
    assert server.store.alerts == {}

    server.heal()
    await run_until(hass, freezer, lambda: _queued(hass) == 0, limit=30)
    assert len(server.store.alerts) == ROOMS


async def test_crash_right_after_the_alert_left_sends_it_again_with_its_key(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    friend: list[Heard],
) -> None:
    """The disk at the instant the POST arrived already holds the write: after the crash it
    goes again with the same Idempotency-Key, and the service still has one alert."""
    on_disk: dict[str, Any] = {}

    async def crash_now(request: web.Request, handler: Handler) -> web.StreamResponse:
        on_disk.update(copy.deepcopy(hass_storage))
        response = await handler(request)
        # Home Assistant is gone: the answer never arrives.
        assert request.transport is not None
        request.transport.abort()
        return response

    entry = await start_site(hass, server)
    server.fault(crash_now, times=1)
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    assert len(server.store.alerts) == 1
    assert [h.at for h in friend] == [0]
    hass_storage.clear()
    hass_storage.update(on_disk)

    async with crashed(hass, hass_storage, entry) as (after, _):
        heard_after = listen(after, "friend", server.clock)
        await after.async_block_till_done()
        first, again = server.alert_posts()
        assert again.key == first.key
        assert len(server.store.alerts) == 1
        assert _queued(after) == 0
        # The alert is not told again: the responders heard it before the crash.
        assert not [h for h in heard_after if "needs a SAFETY CHECK" in h.message]
