"""10,000 presses in one second (a stuck button, a child, a bad Zigbee repeater): one alert,
and the service and the responders hear of the presses at a bounded rate.

The first press is the alert; the second makes it urgent and is told at once; every press
after that within 30 s of the last notice waits, and is told then, with the count.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.brave.const import DOMAIN

from .conftest import FaultyServer, advance_to, button, listen, start_site, station_device

type Press = Callable[[HomeAssistant], Awaitable[None]]


async def _entity_press(hass: HomeAssistant) -> None:
    hass.states.async_set(button(1), dt_util.utcnow().isoformat(), {"event_type": "single"})


async def _service_press(hass: HomeAssistant) -> None:
    await hass.services.async_call(DOMAIN, "press", {"station": station_device(hass)})


# The bound button's state changes, 10,000; the press action (slower to call), 1,000.
@pytest.mark.parametrize(
    ("press", "presses"),
    [(_entity_press, 10_000), (_service_press, 1_000)],
    ids=["button", "service"],
)
async def test_a_storm_of_presses_in_one_second(
    hass: HomeAssistant,
    server: FaultyServer,
    freezer: FrozenDateTimeFactory,
    press: Press,
    presses: int,
) -> None:
    friend = listen(hass, "friend", server.clock)
    await start_site(hass, server)
    server.clock.start()
    # Spread over one second.
    between = timedelta(seconds=1 / presses)
    for _ in range(presses):
        await press(hass)
        freezer.tick(between)
    await hass.async_block_till_done()
    assert server.clock() == 1

    # The second press came 1 ms at most after the first: its 30 s end by 30.001 s.
    await advance_to(hass, freezer, server.clock, *range(5, 31, 5), 30.001, *range(35, 61, 5))
    [stored] = server.store.alerts.values()
    assert stored.request["urgency"] == "normal"
    assert stored.request["details"] == {"presses": 1}
    assert [(e["type"], e["note"]) for e in stored.events] == [
        ("escalated", "2 presses"),
        ("escalated", f"{presses} presses"),
    ]
    assert stored.alert["urgency"] == "urgent"
    assert len(server.alert_posts()) == 1
    # The responder: the alert, "urgent" at once, the count 30 s later.
    assert [(round(h.at), h.message.split(".")[0]) for h in friend] == [
        (0, "Room 1 needs a SAFETY CHECK (help button)"),
        (0, "URGENT: Room 1 pressed for help again"),
        (30, "URGENT: Room 1 pressed for help again"),
    ]
