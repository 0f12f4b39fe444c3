"""Radars reporting every second: the engine state still reaches the disk within 1 s.

Home Assistant's `Store.async_delay_save` pushes its write back at every call, so a site saving
that way under 1 Hz reports would never write, and a crash would lose the whole visit.
"""

from __future__ import annotations

import copy
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.brave.core.engine.state import dump_state

from ..conftest import MOTION, PRESENCE, STATION_ID, RunningServer, site_with_station, station_data
from ..crash import crashed
from ..helpers import advance, setup_site, station_state
from .sites import saved


def _flip(hass: HomeAssistant, report: int) -> None:
    """One radar report: movement flips each time, presence goes off at every 20th (and the
    visit starts again), the distance always changes."""
    hass.states.async_set(MOTION, "moving" if report % 2 else "still")
    hass.states.async_set(PRESENCE, "off" if report % 20 == 10 else "on", {"distance": report})


async def test_state_reaches_the_disk_within_a_second_under_1_hz_reports(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass.states.async_set(PRESENCE, "off")
    hass.states.async_set(MOTION, "still")
    entry = site_with_station(dispatch_server, station_data(room_sensing=True, motion=True))
    await setup_site(hass, entry)
    driver = entry.runtime_data.drivers[STATION_ID]
    changes = 0
    for second in range(60):
        before = dump_state(driver.engine.state)
        _flip(hass, second)
        await hass.async_block_till_done()
        changes += dump_state(driver.engine.state) != before
        await advance(hass, freezer, 1)
        # Within the second, what is on disk is what the station knows.
        assert saved(hass_storage, entry)["stations"][STATION_ID]["state"] == dump_state(
            driver.engine.state
        )
    # The reports did change the station every second (they are not ignored).
    assert changes == 60


async def test_a_crash_under_1_hz_reports_resumes_from_at_most_a_second_ago(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass.states.async_set(PRESENCE, "off")
    hass.states.async_set(MOTION, "still")
    entry = site_with_station(dispatch_server, station_data(room_sensing=True, motion=True))
    await setup_site(hass, entry)
    driver = entry.runtime_data.drivers[STATION_ID]
    # Reports every half second; the states of the last second, kept as they go.
    history: list[dict[str, Any]] = []
    for report in range(80):
        _flip(hass, report)
        await hass.async_block_till_done()
        history = [*history[-2:], dump_state(driver.engine.state)]
        await advance(hass, freezer, 0.5)

    # Reports arrive, and Home Assistant dies before the next half second.
    _flip(hass, 80)
    await hass.async_block_till_done()
    crash_state = copy.deepcopy(hass_storage)
    assert driver.engine.state.session_start is not None

    def room(after: HomeAssistant) -> None:
        after.states.async_set(PRESENCE, "on", {"distance": 80})
        after.states.async_set(MOTION, "still")

    async with crashed(hass, hass_storage, entry, room) as (after, again):
        stored = crash_state[f"brave.{entry.entry_id}"]["data"]["stations"][STATION_ID]["state"]
        # What was on disk is one of the states of the last second before the crash.
        assert stored in history[:2]
        resumed = again.runtime_data.drivers[STATION_ID].engine.state
        # The visit goes on from where it was: its start and its stillness clock are kept.
        assert resumed.session_start == driver.engine.state.session_start
        assert station_state(after) == "occupied"
        # The radar says still since this instant: the stillness alert comes 180 s later.
        assert resumed.still_since == dt_util.utcnow()
        await advance(after, freezer, 179)
        assert station_state(after) == "occupied"
        await advance(after, freezer, 1)
        assert station_state(after) == "prompting"
