"""The fallback group and the final alert reach people who were not told before: past the
release point they carry where to go and whom to call, as the first alert did. Before it (a
help request whose station keeps its details back) nobody outside the room learns them."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.brave.const import DOMAIN

from ..conftest import ADDRESS, PHONE
from .conftest import (
    FALLBACK_NUMBER,
    FaultyServer,
    advance_to,
    listen,
    press,
    start_site,
    station_device,
)

# The fallback group: a phone with the app (whole messages) and an SMS number (one segment).
OPTIONS = {
    "fallback": f"Desk = notify.desk\nNight staff = notify.fallback_sms:{FALLBACK_NUMBER}",
    "first_responders": "Friend = notify.friend",
}
PRIVATE = (ADDRESS, "Code 1234", "Alex", PHONE, "Friend in 4B has naloxone")


def _private_in(message: str) -> list[str]:
    return [detail for detail in PRIVATE if detail in message]


async def _ladder(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory, start: float
) -> None:
    """No one answers: reminders, the fallback step and the final alert."""
    await advance_to(hass, freezer, server.clock, start + 120, start + 240, start + 360)


async def test_help_request_released_carries_details_to_the_fallback_group(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    desk = listen(hass, "desk", server.clock)
    sms = listen(hass, "fallback_sms", server.clock)
    await start_site(hass, server, options=OPTIONS)
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    await _ladder(hass, server, freezer, 0)

    assert [h.at for h in desk] == [240, 360]
    for heard in desk:
        assert _private_in(heard.message) == list(PRIVATE)
    fallback_step, final = desk
    assert fallback_step.message.startswith("Room 1 needs a SAFETY CHECK and nobody has answered")
    assert final.message.startswith("FINAL alert")
    # By SMS, in one segment: the text, then as much of the details as fits, address first.
    assert [h.at for h in sms] == [240, 360]
    for heard in sms:
        assert ADDRESS in heard.message
        assert len(heard.message) <= 160


async def test_help_request_kept_private_tells_nobody_the_details(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory
) -> None:
    desk = listen(hass, "desk", server.clock)
    sms = listen(hass, "fallback_sms", server.clock)
    friend = listen(hass, "friend", server.clock)
    await start_site(hass, server, options=OPTIONS, station={"release_on_help": False})
    server.clock.start()
    press(hass)
    await hass.async_block_till_done()
    await _ladder(hass, server, freezer, 0)

    assert [h.at for h in desk] == [240, 360]
    assert [h.at for h in friend] == [0, 120, 240, 360]
    for heard in [*desk, *sms, *friend]:
        assert _private_in(heard.message) == [], heard
    [stored] = server.store.alerts.values()
    assert stored.request["location"] is None
    assert stored.request["contacts"] is None
    assert stored.request["rescue_plan"]["notes"] is None
    assert all(_private_in(str(event)) == [] for event in stored.events)


@pytest.mark.parametrize("answered", [False, True], ids=["unanswered", "answered"])
async def test_missed_check_in_releases_only_when_the_countdown_runs_out(
    hass: HomeAssistant, server: FaultyServer, freezer: FrozenDateTimeFactory, answered: bool
) -> None:
    desk = listen(hass, "desk", server.clock)
    friend = listen(hass, "friend", server.clock)
    await start_site(hass, server, options=OPTIONS)
    server.clock.start()
    station = {"station": station_device(hass)}
    await hass.services.async_call(DOMAIN, "start_session", station, blocking=True)
    # The prompt at 5 minutes, the countdown 60 s later: nothing has left the room yet.
    await advance_to(hass, freezer, server.clock, 300, 360, 370)
    assert desk == friend == []
    assert server.store.alerts == {}
    if answered:
        await hass.services.async_call(DOMAIN, "check_in", station, blocking=True)
    await advance_to(hass, freezer, server.clock, 380)
    await _ladder(hass, server, freezer, 380)
    if answered:
        assert desk == friend == []
        assert server.store.alerts == {}
        return
    assert [h.at for h in desk] == [620, 740]
    for heard in [*desk, friend[0]]:
        assert _private_in(heard.message) == list(PRIVATE)
    [stored] = server.store.alerts.values()
    assert stored.request["location"]["address"] == ADDRESS
