"""Device-health repairs mirror the faults there are now, whatever happened while stopped.

A repair issue outlives Home Assistant's restarts and the site's reloads; the fault behind it
may not. At every start the repairs of faults that are gone go, those still true stay (and are
not told again as new), and a radar that still moves is never called stuck.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from ..conftest import (
    BUTTON,
    MOTION,
    PRESENCE,
    STATION_ID,
    RunningServer,
    site_with_station,
    station_data,
)
from ..crash import crashed
from ..helpers import advance, setup_site
from .sites import issues

TECH = "+15555550177"
OPTIONS = {"health_contacts": f"Tech = notify.sms:{TECH}"}
NEW_RADAR = "binary_sensor.new_radar"


@pytest.fixture
def sms(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "sms")


def _told(sms: list[ServiceCall]) -> list[str]:
    return [str(c.data["message"]) for c in sms]


def _battery(hass: HomeAssistant) -> str:
    """A battery sensor on the button's device (as ZHA and Zigbee2MQTT show it)."""
    zha = MockConfigEntry(domain="zha")
    zha.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=zha.entry_id, identifiers={("zha", "button")}
    )
    entities = er.async_get(hass)
    entities.async_get_or_create(
        "event", "zha", "button", device_id=device.id, suggested_object_id="room_button"
    )
    return entities.async_get_or_create(
        "sensor",
        "zha",
        "button-battery",
        device_id=device.id,
        original_device_class="battery",
        suggested_object_id="room_button_battery",
    ).entity_id


@pytest.mark.parametrize("how", ["stopped", "reloaded"])
async def test_a_fault_that_cleared_while_stopped_loses_its_repair(
    hass: HomeAssistant, dispatch_server: RunningServer, sms: list[ServiceCall], how: str
) -> None:
    battery = _battery(hass)
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(battery, "15")
    entry = site_with_station(dispatch_server, station_data(), options=OPTIONS)
    await setup_site(hass, entry)
    repair = f"health_{STATION_ID}_{BUTTON}_battery_low"
    assert repair in issues(hass)
    assert _told(sms) == [f"Room 1: {BUTTON} needs attention (battery low)."]

    if how == "stopped":
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        # New batteries while Brave was not running.
        hass.states.async_set(battery, "100")
        await hass.async_block_till_done()
        assert repair in issues(hass)
        await setup_site(hass, entry)
    else:
        # New batteries, and the reload (a station edit) comes before the report is handled.
        hass.states.async_set(battery, "100")
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert repair not in issues(hass)


async def test_a_fault_still_there_after_a_restart_is_not_told_again(
    hass: HomeAssistant, dispatch_server: RunningServer, sms: list[ServiceCall]
) -> None:
    battery = _battery(hass)
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(battery, "15")
    entry = site_with_station(dispatch_server, station_data(), options=OPTIONS)
    await setup_site(hass, entry)
    for _ in range(2):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert f"health_{STATION_ID}_{BUTTON}_battery_low" in issues(hass)
    assert _told(sms) == [f"Room 1: {BUTTON} needs attention (battery low)."]


async def test_moving_a_station_to_a_replacement_radar_drops_the_old_radars_repair(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    sms: list[ServiceCall],
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(PRESENCE, "unavailable")
    hass.states.async_set(NEW_RADAR, "off")
    data = station_data(room_sensing=True)
    entry = site_with_station(dispatch_server, data, options=OPTIONS)
    await setup_site(hass, entry)
    old = f"health_{STATION_ID}_{PRESENCE}_unavailable"
    assert old in issues(hass)

    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "station"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": STATION_ID},
    )
    form: dict[str, Any] = {
        CONF_NAME: "Room 1",
        **data,
        "sensors": {**data["sensors"], "presence": NEW_RADAR},
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert issues(hass) == {}
    # The replacement is watched: it going away is a repair of its own.
    hass.states.async_set(NEW_RADAR, "unavailable")
    await hass.async_block_till_done()
    assert set(issues(hass)) == {f"health_{STATION_ID}_{NEW_RADAR}_unavailable"}


async def test_removing_a_station_drops_its_repairs(
    hass: HomeAssistant, dispatch_server: RunningServer, sms: list[ServiceCall]
) -> None:
    hass.states.async_set(BUTTON, "unavailable")
    entry = site_with_station(dispatch_server, station_data(), options=OPTIONS)
    await setup_site(hass, entry)
    assert f"health_{STATION_ID}_{BUTTON}_unavailable" in issues(hass)
    assert hass.config_entries.async_remove_subentry(entry, STATION_ID)
    await hass.async_block_till_done()
    assert issues(hass) == {}


@pytest.mark.parametrize("reload_after_h", [None, 11])
async def test_a_radar_whose_movement_changes_hourly_is_not_stuck(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    sms: list[ServiceCall],
    reload_after_h: int | None,
) -> None:
    """Presence stays on for 14 hours while the bound movement sensor changes every hour: the
    radar is alive (any change in presence, movement or distance counts), also across a
    reload."""
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(PRESENCE, "on")
    hass.states.async_set(MOTION, "still")
    entry = site_with_station(
        dispatch_server, station_data(room_sensing=True, motion=True), options=OPTIONS
    )
    await setup_site(hass, entry)
    for hour in range(1, 15):
        await advance(hass, freezer, 3600)
        # The radar reports every hour; its presence never changes, its movement does.
        hass.states.async_set(PRESENCE, "on")
        hass.states.async_set(MOTION, "moving" if hour % 2 else "still")
        await hass.async_block_till_done()
        if hour == reload_after_h:
            # Half an hour later (presence unchanged for 11.5 hours), the site reloads.
            await advance(hass, freezer, 1800)
            assert await hass.config_entries.async_reload(entry.entry_id)
            await hass.async_block_till_done()
    assert issues(hass) == {}
    assert _told(sms) == []

    # Movement stops changing: stuck 12 hours after the last change, not before.
    for _ in range(12):
        await advance(hass, freezer, 3600)
        hass.states.async_set(PRESENCE, "on")
        hass.states.async_set(MOTION, "still")
    await hass.async_block_till_done()
    assert issues(hass) == {}
    await advance(hass, freezer, 3600)
    assert set(issues(hass)) == {f"health_{STATION_ID}_{PRESENCE}_stuck"}


async def test_a_radar_whose_distance_changes_is_not_stuck_across_a_reload(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    sms: list[ServiceCall],
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(PRESENCE, "on", {"distance": 1.0})
    entry = site_with_station(dispatch_server, station_data(room_sensing=True), options=OPTIONS)
    await setup_site(hass, entry)
    for hour in range(1, 15):
        await advance(hass, freezer, 3600)
        hass.states.async_set(PRESENCE, "on", {"distance": 1.0 + hour / 10})
        await hass.async_block_till_done()
        if hour == 11:
            await advance(hass, freezer, 1800)
            assert await hass.config_entries.async_reload(entry.entry_id)
            await hass.async_block_till_done()
    assert issues(hass) == {}
    assert _told(sms) == []


async def test_a_fault_still_there_after_home_assistant_restarts_keeps_its_repair(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    sms: list[ServiceCall],
) -> None:
    """Home Assistant keeps a repair of this kind across its restart only as a record that it
    existed: shown again if the fault is still there, gone if not."""
    hass.states.async_set(BUTTON, "unavailable")
    hass.states.async_set(PRESENCE, "off")
    entry = site_with_station(dispatch_server, station_data(room_sensing=True), options=OPTIONS)
    await setup_site(hass, entry)
    hass.states.async_set(PRESENCE, "unavailable")
    await hass.async_block_till_done()
    button, radar = (f"health_{STATION_ID}_{d}_unavailable" for d in (BUTTON, PRESENCE))
    assert set(issues(hass)) == {button, radar}
    # Home Assistant writes its repairs to disk within seconds.
    await advance(hass, freezer, 15)

    told_after: list[list[ServiceCall]] = []

    def room(after: HomeAssistant) -> None:
        # The button is still gone; the radar came back while nothing ran.
        after.states.async_set(BUTTON, "unavailable")
        after.states.async_set(PRESENCE, "off")
        told_after.append(async_mock_service(after, "notify", "sms"))

    async with crashed(hass, hass_storage, entry, room) as (after, _):
        assert set(issues(after)) == {button}
        # Announced again as new after a restart of Home Assistant (docs/devices.md).
        [again] = told_after[0]
        assert again.data["message"] == f"Room 1: {BUTTON} needs attention (unavailable)."
