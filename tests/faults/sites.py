"""Sites for the fault tests: two stations, each with its own button, and what is on disk."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import DOMAIN

from ..conftest import BUTTON, STATION_ID, RunningServer, site_data, station_data

OTHER_ID = "station0002"
OTHER_BUTTON = "event.other_button"
BUTTONS = {STATION_ID: BUTTON, OTHER_ID: OTHER_BUTTON}
TITLES = {STATION_ID: "Room 1", OTHER_ID: "Room 2"}


def two_stations(server: RunningServer, options: dict[str, str] | None = None) -> MockConfigEntry:
    """A site on the server with two stations (STATION_ID and OTHER_ID), one button each."""
    site = server.store.add_site({"name": "Home", "callback_url": None})
    subentries = []
    for station_id, button in BUTTONS.items():
        data = station_data()
        data["sensors"]["buttons"] = [button]
        subentries.append(
            ConfigSubentryData(
                data=data,
                subentry_id=station_id,
                subentry_type="station",
                title=TITLES[station_id],
                unique_id=None,
            )
        )
    return MockConfigEntry(
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=server.url,
        data=site_data(server, site),
        options=options or {},
        subentries_data=subentries,
    )


def store_key(entry: MockConfigEntry) -> str:
    """The site's Store key."""
    return f"{DOMAIN}.{entry.entry_id}"


def on_disk(
    hass_storage: dict[str, Any], entry: MockConfigEntry, data: Any, version: int = 2
) -> None:
    """Put the site's store on disk as Home Assistant's Store writes it."""
    hass_storage[store_key(entry)] = {
        "version": version,
        "minor_version": 1,
        "key": store_key(entry),
        "data": data,
    }


def saved(hass_storage: dict[str, Any], entry: MockConfigEntry) -> dict[str, Any]:
    """What the site last wrote."""
    data: dict[str, Any] = hass_storage[store_key(entry)]["data"]
    return data


def phase(hass: HomeAssistant, station_id: str) -> str:
    """A station's state sensor."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{station_id}_state")
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def press(hass: HomeAssistant, button: str, gesture: str = "single") -> None:
    """A press of a bound button entity."""
    hass.states.async_set(button, dt_util.utcnow().isoformat(), {"event_type": gesture})


def issues(hass: HomeAssistant) -> dict[str, ir.IssueEntry]:
    """The integration's active repair issues."""
    return {
        issue_id: issue
        for (domain, issue_id), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.active
    }
