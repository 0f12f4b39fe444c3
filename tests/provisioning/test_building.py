"""A building's stations from one CSV, through real Home Assistant: refused whole, applied,
exported and imported again."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import CONF_SITE_NAME, CONF_WEBHOOK_ID, DOMAIN, SUBENTRY_STATION
from custom_components.brave.core.sites import site_unique_id

from ..conftest import RunningServer, site_data
from ..helpers import setup_site

ROOMS = 200
BAD_LINE = 118  # the header is line 1: room 117
HEADER = (
    "station,name,area,buttons,learned_buttons,tts,media_player,presence,room_sensing,"
    "responder_groups,call_emergency_services,release_on_help,location_label,unit,contacts,"
    "stillness,countdown"
)


def _row(number: int, *, presence: str | None = None) -> str:
    """Room `number`: every fourth senses the room, every tenth has a Zigbee button by IEEE."""
    senses = number % 4 == 0
    ieee = f"00:15:8d:00:01:02:{number // 256:02x}:{number % 256:02x}"
    learned = f'"{ieee}; help=single; answer=double"' if number % 10 == 0 else ""
    sensor = presence or (f"binary_sensor.radar_{number}" if senses else "")
    groups = '"dispatch, staff"' if number % 2 else "first_responders"
    contacts = f'"Contact {number}, +1555555{number:04d}, friend"' if number % 3 == 0 else ""
    return ",".join(
        (
            f"r{number:03d}",
            f"Room {number}",
            f"Floor {number // 50 + 1}",
            f"event.button_{number}",
            learned,
            "tts.speech",
            f"media_player.room_{number}",
            sensor,
            "true" if senses else "false",
            groups,
            "yes" if number % 7 == 0 else "",
            "",
            f"Room {number}",
            str(number),
            contacts,
            "900" if number % 5 == 0 else "",
            "",
        )
    )


def _csv(bad: bool) -> str:
    lines = [HEADER]
    for number in range(1, ROOMS + 1):
        # A radar bound in the light's column: the wrong kind of entity.
        wrong = "light.radar_117" if bad and number == BAD_LINE - 1 else None
        lines.append(_row(number, presence=wrong))
    return "\n".join(lines) + "\n"


def _site(server: RunningServer, name: str) -> MockConfigEntry:
    site = server.store.add_site({"name": name, "callback_url": None})
    return MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=site_unique_id(server.url, name),
        minor_version=2,
        # Each site has a webhook of its own (the config flow makes one per site).
        data={**site_data(server, site), CONF_SITE_NAME: name, CONF_WEBHOOK_ID: site["site_id"]},
    )


def _stations(entry: ConfigEntry) -> dict[str, tuple[str, Any, dict[str, float]]]:
    """Each station by its key: name, stored data and timers."""
    drivers = entry.runtime_data.drivers
    return {
        str(s.unique_id): (s.title, dict(s.data), drivers[s.subentry_id].settings.as_dict())
        for s in entry.subentries.values()
        if s.subentry_type == SUBENTRY_STATION
    }


async def _import(hass: HomeAssistant, entry: ConfigEntry, text: str, **extra: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "import_stations",
        {"site": entry.entry_id, "text": text, **extra},
        blocking=True,
        return_response=True,
    )


async def _export(hass: HomeAssistant, entry: ConfigEntry, **extra: Any) -> str:
    response = await hass.services.async_call(
        DOMAIN,
        "export_stations",
        {"site": entry.entry_id, "format": "csv", **extra},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return str(response["text"])


async def test_a_building_of_200_rooms_from_one_csv(
    hass: HomeAssistant, dispatch_server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    areas = ar.async_get(hass)
    for floor in range(1, ROOMS // 50 + 2):
        areas.async_create(f"Floor {floor}")
    building = _site(dispatch_server, "Maple House")
    await setup_site(hass, building)

    # One bad line: nothing is applied, and the line and the field are named.
    with pytest.raises(ServiceValidationError) as err:
        await _import(hass, building, _csv(bad=True))
    assert err.value.translation_key == "invalid_station_file"
    assert err.value.translation_placeholders == {
        "count": "1",
        "problems": f"- Line {BAD_LINE}, presence: expected an entity of binary_sensor",
    }
    assert not building.subentries

    # Fixed: a dry run says what would happen and still changes nothing.
    good = _csv(bad=False)
    dry = await _import(hass, building, good, dry_run=True)
    assert dry["applied"] is False
    assert len(dry["added"]) == ROOMS
    assert dry["added"][116] == {"station": "r117", "name": "Room 117"}
    assert not building.subentries

    applied = await _import(hass, building, good)
    assert applied["applied"] is True
    assert len(applied["added"]) == ROOMS
    stations = _stations(building)
    assert len(stations) == ROOMS
    title, data, timers = stations["r120"]
    assert title == "Room 120"
    assert data["area"] == areas.async_get_area_by_name("Floor 3").id  # type: ignore[union-attr]
    assert data["sensors"]["presence"] == "binary_sensor.radar_120"
    assert data["sensors"]["learned_buttons"] == [
        {
            "source": "zha",
            "ieee": "00:15:8d:00:01:02:00:78",
            "help": ["single"],
            "answer": ["double"],
            "start_check_in": [],
        }
    ]
    assert data["release"]["contacts"] == "Contact 120, +15555550120, friend"
    assert timers == {"stillness": 900.0}
    assert stations["r119"][2] == {}
    # Every room runs: its state sensor is there.
    registry = er.async_get(hass)
    states = [e for e in registry.entities.values() if e.config_entry_id == building.entry_id]
    assert sum(1 for e in states if e.unique_id.endswith("_state")) == ROOMS
    # Brave's log says how many, never who.
    ours = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components.brave")
    )
    assert "200 added, 0 changed" in ours
    assert "+1555555" not in ours
    assert "Contact 1" not in ours

    await _export_imports_back(hass, dispatch_server, building, stations)


async def _export_imports_back(
    hass: HomeAssistant,
    server: RunningServer,
    building: ConfigEntry,
    stations: dict[str, tuple[str, Any, dict[str, float]]],
) -> None:
    # The export (personal fields asked for) imports back to the same stations: here nothing
    # changes, and a second building on the same service gets stations just like these.
    private = await _export(hass, building, personal=True)
    assert private.startswith("# personal fields included")
    again = await _import(hass, building, private)
    assert again["applied"] is False
    assert (again["added"], again["changed"]) == ([], [])
    assert len(again["unchanged"]) == ROOMS
    assert _stations(building) == stations

    copy = _site(server, "Maple House annex")
    await setup_site(hass, copy)
    await _import(hass, copy, private)
    assert _stations(copy) == stations
    assert await _export(hass, copy, personal=True) == private.replace(
        "Maple House", "Maple House annex"
    )

    # Without personal fields, an import leaves them as they are.
    shared = await _export(hass, building)
    assert "+1555555" not in shared
    assert "Contact 120" not in shared
    unchanged = await _import(hass, building, shared)
    assert len(unchanged["unchanged"]) == ROOMS
    assert _stations(building) == stations
