"""Adding and changing stations (config subentries) in the UI."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import PRESENCE, STATION_ID, RunningServer, site_with_station, station_data
from .helpers import setup_site, station_state


def _form(**changes: Any) -> dict[str, Any]:
    data = station_data(room_sensing=True)
    for section_key, values in changes.items():
        data[section_key] = {**data[section_key], **values}
    return {CONF_NAME: "Washroom 2", **data}


async def _start(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "station"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result["flow_id"]


async def test_add_station(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    result = await hass.config_entries.subentries.async_configure(flow_id, _form())
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Washroom 2"
    [subentry] = site_entry.subentries.values()
    assert subentry.data["sensors"]["presence"] == PRESENCE
    assert CONF_NAME not in subentry.data
    await hass.async_block_till_done()
    # The site reloads and the station is live.
    assert hass.states.get("sensor.washroom_2_state") is not None


async def test_room_sensing_needs_presence(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    form = _form()
    del form["sensors"]["presence"]
    result = await hass.config_entries.subentries.async_configure(flow_id, form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "presence_required"}


async def test_unreadable_contacts(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, _form(release={"contacts": "Alex only, no phone, landlord"})
    )
    assert result["errors"] == {"base": "invalid_contacts"}


async def test_someone_must_be_called(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, _form(rescue_plan={"responder_groups": []})
    )
    assert result["errors"] == {"base": "responders_required"}


async def test_reconfigure_station_keeps_its_state(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.room_1_start_check_in_session"}, blocking=True
    )
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "station"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": STATION_ID},
    )
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**_form(), CONF_NAME: "Room 1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[STATION_ID].data["modes"]["room_sensing"] is True
    # The check-in session survived the reload.
    assert station_state(hass) == "check_in"


@pytest.mark.parametrize(
    ("prompts", "error"),
    [
        ({}, "prompt_channel_required"),
        ({"tts": "tts.speech"}, "speaker_incomplete"),
        ({"media_player": "media_player.room_speaker"}, "speaker_incomplete"),
    ],
)
async def test_a_station_that_asks_needs_a_way_to_ask(
    hass: HomeAssistant, site_entry: MockConfigEntry, prompts: dict[str, str], error: str
) -> None:
    """Check-ins and room sensing ask first: a station with no way to ask is refused."""
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    form = _form()
    form["prompts"] = prompts
    result = await hass.config_entries.subentries.async_configure(flow_id, form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}


@pytest.mark.parametrize(
    "prompts",
    [
        {"light": "light.room"},
        {"notify": "notify.room_screen"},
        {"no_prompt_channel": True},
    ],
)
async def test_any_way_to_ask_or_an_explicit_choice_is_enough(
    hass: HomeAssistant, site_entry: MockConfigEntry, prompts: dict[str, Any]
) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    form = _form()
    form["prompts"] = prompts
    result = await hass.config_entries.subentries.async_configure(flow_id, form)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_help_button_only_station_needs_no_prompt(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    form = _form(modes={"check_in": False, "room_sensing": False})
    form["prompts"] = {}
    result = await hass.config_entries.subentries.async_configure(flow_id, form)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_the_station_device_is_placed_in_its_area(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    area = ar.async_get(hass).async_create("Second floor washroom")
    await setup_site(hass, site_entry)
    flow_id = await _start(hass, site_entry)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {**_form(), "area": area.id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    [subentry] = site_entry.subentries.values()
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id("sensor", "brave", f"{subentry.subentry_id}_state")
    assert entity_id is not None
    entity = registry.async_get(entity_id)
    assert entity is not None
    assert entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None
    assert device.area_id == area.id
    # Each station's device hangs off the site's device.
    site = dr.async_get(hass).async_get_device_by_identifier(
        ("brave", site_entry.entry_id), site_entry.entry_id
    )
    assert site is not None
    assert device.via_device_id == site.id


async def test_removing_a_station_removes_its_device_and_entities(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    devices = dr.async_get(hass)
    [station] = [
        d
        for d in dr.async_entries_for_config_entry(devices, entry.entry_id)
        if d.model == "Station"
    ]
    assert hass.config_entries.async_remove_subentry(entry, STATION_ID)
    await hass.async_block_till_done()
    # No stale device or entity is left behind; the site's own device stays.
    assert devices.async_get(station.id) is None
    assert not [
        e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.config_subentry_id == STATION_ID
    ]
    assert [d.model for d in dr.async_entries_for_config_entry(devices, entry.entry_id)] == [
        "Dispatch connection"
    ]
