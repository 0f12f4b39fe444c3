"""Restarts: the ladder continues from stored deadlines, nothing lost, nothing sent twice."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import RunningServer, site_with_station, station_data
from .helpers import advance, entity_id, move_ahead_to, setup_site, station_state


async def _restart(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory, down_s: float
) -> None:
    """Stop the site, let time pass while nothing runs, start it again."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=down_s))
    await setup_site(hass, entry)


async def _check_in_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, *seconds: float
) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id(hass, "button", "start_check_in")}, blocking=True
    )
    await advance(hass, freezer, *seconds)


async def test_restart_mid_countdown_gives_the_occupant_a_real_countdown(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The countdown ended while nothing ran, so nobody could stop it: it runs again in full,
    then the alert goes out once."""
    move_ahead_to(freezer, 12)
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    start = dt_util.utcnow()
    await _check_in_until(hass, freezer, 300, 60, 5)
    assert station_state(hass) == "countdown"

    await _restart(hass, entry, freezer, 60)
    assert station_state(hass) == "countdown"
    assert "countdown is late" in caplog.text
    assert dispatch_server.store.alerts == {}
    await advance(hass, freezer, 20)
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "missed_check_in"
    assert dispatch_server.store.received[-1].at == start + timedelta(seconds=445)
    # Reminders keep their rhythm from the alert.
    await advance(hass, freezer, 119)
    assert stored.events == []
    await advance(hass, freezer, 1)
    assert [e["note"] for e in stored.events] == ["reminder 1"]
    assert len(dispatch_server.store.alerts) == 1


async def test_restart_mid_reminders_continues_the_ladder(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    await _check_in_until(hass, freezer, 300, 60, 20, 120)
    [stored] = dispatch_server.store.alerts.values()
    assert [e["note"] for e in stored.events] == ["reminder 1"]

    # Down across the second reminder (and the fallback notice).
    await _restart(hass, entry, freezer, 150)
    assert [e["note"] for e in stored.events] == ["reminder 1", "reminder 2", "fallback 2"]
    assert station_state(hass) == "alert"
    # The final alert still comes 120 s after the second reminder's own deadline.
    await advance(hass, freezer, 89)
    assert len(stored.events) == 3
    await advance(hass, freezer, 1)
    assert [e["note"] for e in stored.events] == [
        "reminder 1",
        "reminder 2",
        "fallback 2",
        "final 3",
    ]
    # A second restart sends nothing again.
    await _restart(hass, entry, freezer, 10)
    assert len(stored.events) == 4
    assert len(dispatch_server.store.alerts) == 1


async def test_restart_while_quiet_keeps_the_session(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    await _check_in_until(hass, freezer, 60)
    await _restart(hass, entry, freezer, 30)
    assert station_state(hass) == "check_in"
    await advance(hass, freezer, 300 - 90)
    assert station_state(hass) == "prompting"
