"""Station files as a person uses them: files in the configuration folder, the options' import
step, and the errors they can meet."""

from __future__ import annotations

from pathlib import Path
import stat
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import DOMAIN

from ..conftest import ADDRESS, STATION_ID, RunningServer, site_with_station, station_data
from ..helpers import setup_site

NEW_ROOM = "station,name,tts,media_player\nr2,Room 2,tts.speech,media_player.room_2\n"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def _call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )


async def _site(hass: HomeAssistant, server: RunningServer) -> MockConfigEntry:
    entry = site_with_station(server, station_data())
    await setup_site(hass, entry)
    return entry


async def test_export_to_a_file_and_import_it_back(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = await _site(hass, dispatch_server)
    await hass.services.async_call(
        DOMAIN,
        "export_stations",
        {"site": entry.entry_id, "path": "brave/stations.yaml", "personal": True},
        blocking=True,
    )
    written = Path(hass.config.path("brave/stations.yaml"))
    text = _read(written)
    assert text.startswith("# personal fields included")
    assert ADDRESS in text
    # Only its owner may read a file with personal fields.
    assert _mode(written) == 0o600
    response = await _call(
        hass, "import_stations", {"site": entry.entry_id, "path": "brave/stations.yaml"}
    )
    assert response["unchanged"] == [{"station": STATION_ID, "name": "Room 1"}]
    assert response["applied"] is False
    # A CSV export without personal fields replaces an export; the format is the file's.
    await _call(hass, "export_stations", {"site": entry.entry_id, "path": "brave/stations.yaml"})
    assert ADDRESS not in _read(written)
    response = await _call(
        hass, "export_stations", {"site": entry.entry_id, "path": "brave/rooms.csv"}
    )
    assert response["format"] == "csv"
    assert response["text"].startswith("station,name,area,")
    assert _read(Path(hass.config.path("brave/rooms.csv"))) == response["text"]


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("import_stations", {}, "file_required"),
        ("import_stations", {"path": "../outside.csv"}, "path_not_allowed"),
        ("import_stations", {"path": "secrets.txt"}, "path_not_station_file"),
        ("import_stations", {"path": "missing.csv"}, "file_unreadable"),
        ("export_stations", {"path": "configuration.yaml"}, "file_not_an_export"),
        ("export_stations", {"path": "/etc/stations.yaml"}, "path_not_allowed"),
    ],
)
async def test_file_errors_are_clear_and_change_nothing(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    entry = await _site(hass, dispatch_server)
    configuration = Path(hass.config.path("configuration.yaml"))
    await hass.async_add_executor_job(_write, configuration, "homeassistant:\n")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, service, {"site": entry.entry_id, **data}, blocking=True
        )
    assert err.value.translation_key == key
    assert _read(configuration) == "homeassistant:\n"


async def test_an_export_goes_somewhere_and_the_site_must_run(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = await _site(hass, dispatch_server)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "export_stations", {"site": entry.entry_id}, blocking=True
        )
    assert err.value.translation_key == "export_nowhere"
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "export_stations", {"site": entry.entry_id})
    assert err.value.translation_key == "site_not_found"


async def _options(hass: HomeAssistant, entry: ConfigEntry) -> Any:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "import_stations"}
    )


async def test_the_options_import_step_shows_problems_then_what_would_change(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = await _site(hass, dispatch_server)
    result = await _options(hass, entry)
    assert result["step_id"] == "import_stations"
    # Line 3: a room that checks in with no way to be asked.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"text": NEW_ROOM + "r3,Room 3,,\n"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_station_file"}
    assert result["description_placeholders"]["problems"].startswith("- Line 3, tts / ")
    assert len(entry.subentries) == 1
    text = f"{NEW_ROOM}{STATION_ID},Room 1 (east),tts.speech,media_player.room_speaker\n"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"text": text, "format": "csv"}
    )
    assert result["step_id"] == "import_confirm"
    shown = result["description_placeholders"]
    assert (shown["added_count"], shown["changed_count"]) == ("1", "1")
    assert shown["added"] == "- Room 2 (r2)"
    assert shown["changed"] == f"- Room 1 (east) ({STATION_ID}): name"
    # The unknown speaker is said, not refused: devices can come after the file.
    assert "media_player.room_2 does not exist" in shown["warnings"]
    assert len(entry.subentries) == 1
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "stations_imported"
    assert sorted(s.title for s in entry.subentries.values()) == ["Room 1 (east)", "Room 2"]


async def test_the_import_step_needs_a_running_site(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = await _site(hass, dispatch_server)
    result = await _options(hass, entry)
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"text": NEW_ROOM}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "site_not_loaded"


async def test_a_site_that_cannot_stop_keeps_its_stations(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = await _site(hass, dispatch_server)
    with (
        patch.object(hass.config_entries, "async_unload", return_value=False),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _call(hass, "import_stations", {"site": entry.entry_id, "text": NEW_ROOM})
    assert err.value.translation_key == "site_not_stopped"
    assert len(entry.subentries) == 1
    assert entry.state is ConfigEntryState.LOADED


async def test_a_long_list_is_counted_and_the_site_must_still_run_to_apply(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = await _site(hass, dispatch_server)
    result = await _options(hass, entry)
    rooms = "".join(f"r{n},Room {n},tts.speech,media_player.room_1\n" for n in range(60))
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"text": "station,name,tts,media_player\n" + rooms}
    )
    added = result["description_placeholders"]["added"].splitlines()
    assert len(added) == 51
    assert added[-1] == "- … (+10)"
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["reason"] == "site_not_loaded"
    assert len(entry.subentries) == 1
