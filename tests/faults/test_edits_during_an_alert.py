"""A reload, a station edit in the UI or a timer change during an alert: the alert carries on.

Each run goes the whole ladder with the change made after the first reminder, and must end as
a run without it: one alert, each event once and at its time, each responder told once.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from ..conftest import BUTTON, STATION_ID, RunningServer, site_with_station
from ..helpers import advance, enable_before_setup, entity_id, setup_site, station_state
from .ladder import MODES, OPTIONS, Mode, Record, expected_events, expected_told

NEW_BUTTON = "event.new_button"


async def _to_first_reminder(
    hass: HomeAssistant,
    server: RunningServer,
    freezer: FrozenDateTimeFactory,
    mode: Mode,
    numbers: tuple[str, ...] = (),
) -> tuple[Record, MockConfigEntry, list[Any]]:
    record = Record()
    record.prepare(hass)
    mode.room(hass)
    hass.states.async_set(NEW_BUTTON, "unknown")
    entry = site_with_station(server, mode.data, options=OPTIONS)
    # Timer numbers are off by default: these were enabled by a person.
    enable_before_setup(hass, entry, "number", *numbers)
    await setup_site(hass, entry)
    record.start = dt_util.utcnow()
    await mode.begin(hass, freezer)
    steps = list(mode.steps)
    while steps:
        name, act = steps.pop(0)
        await act(hass, freezer)
        if name == "reminder 1":
            return record, entry, steps
    raise AssertionError(mode.name)


def _same_as_without(record: Record, server: RunningServer, mode: Mode) -> None:
    assert len(server.store.alerts) == 1
    assert record.events(server) == expected_events(mode.alert_at)
    for who, told in expected_told(mode.alert_at).items():
        assert record.to(who) == told, who


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
async def test_a_reload_during_an_alert(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    mode: Mode,
) -> None:
    record, entry, rest = await _to_first_reminder(hass, dispatch_server, freezer, mode)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    for _, act in rest:
        await act(hass, freezer)
    await advance(hass, freezer, 600)
    _same_as_without(record, dispatch_server, mode)


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
async def test_rebinding_the_button_in_the_ui_during_an_alert(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    mode: Mode,
) -> None:
    record, entry, rest = await _to_first_reminder(hass, dispatch_server, freezer, mode)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "station"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": STATION_ID},
    )
    data = {**mode.data, "sensors": {**mode.data["sensors"], "buttons": [NEW_BUTTON]}}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Room 1", **data}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[STATION_ID].data["sensors"]["buttons"] == [NEW_BUTTON]
    assert station_state(hass) == "alert"

    # The old button is no longer this station's.
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": "single"})
    await hass.async_block_till_done()
    [stored] = dispatch_server.store.alerts.values()
    assert [e["note"] for e in stored.events] == ["reminder 1"]
    for _, act in rest:
        await act(hass, freezer)
    await advance(hass, freezer, 600)
    _same_as_without(record, dispatch_server, mode)
    # The new one is: once this alert is closed, a press is a new call for help.
    hass.states.async_set(NEW_BUTTON, dt_util.utcnow().isoformat(), {"event_type": "single"})
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    assert len(dispatch_server.store.alerts) == 2


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
async def test_a_shorter_reminder_during_an_alert_replans_without_repeating(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    mode: Mode,
) -> None:
    """The reminder timer goes from 120 s to 60 s 30 s after the first reminder: the second
    comes 60 s after the first, the final 60 s after that, each once."""
    record, _, _ = await _to_first_reminder(hass, dispatch_server, freezer, mode, ("reminder",))
    await advance(hass, freezer, 30)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": entity_id(hass, "number", "reminder"), "value": 60},
        blocking=True,
    )
    await advance(hass, freezer, 29)
    assert [e for _, e in record.events(dispatch_server)] == ["alert", "reminder 1"]
    await advance(hass, freezer, 1, 60)
    at = mode.alert_at
    assert record.events(dispatch_server) == [
        (at, "alert"),
        (at + 120, "reminder 1"),
        (at + 180, "reminder 2"),
        (at + 180, "fallback 2"),
        (at + 240, "final 3"),
    ]
    await advance(hass, freezer, 600)
    assert len(record.events(dispatch_server)) == 5
    assert [kind for _, kind in record.to("Sam")] == ["alert", "reminder", "reminder", "final"]
    assert station_state(hass) == "alert"
