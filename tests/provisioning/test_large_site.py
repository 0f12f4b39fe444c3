"""A site of 1,000 stations fits in Home Assistant's budget of enabled entities per entry."""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.const import DOMAIN

from ..conftest import station_data
from ..helpers import setup_site

STATIONS = 1000
# The entities each station has on (docs/organisations.md, "A site of 1,000 rooms").
ENABLED_PER_STATION = 9


async def test_a_site_of_1000_stations(
    hass: HomeAssistant, site_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    site = site_entry
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=site.title,
        unique_id=site.unique_id,
        minor_version=2,
        data=dict(site.data),
        subentries_data=[
            ConfigSubentryData(
                data=station_data(),
                subentry_id=f"station{number:04d}",
                subentry_type="station",
                title=f"Room {number}",
                unique_id=f"r{number:04d}",
            )
            for number in range(1, STATIONS + 1)
        ],
    )
    await setup_site(hass, entry)
    assert len(entry.runtime_data.drivers) == STATIONS
    registry = er.async_get(hass)
    entities = er.async_entries_for_config_entry(registry, entry.entry_id)
    enabled = [e for e in entities if not e.disabled]
    per_station = [e for e in enabled if e.config_subentry_id is not None]
    assert len(per_station) == STATIONS * ENABLED_PER_STATION
    assert len(enabled) < MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
    # Every room's state sensor is there and none was refused for the limit.
    assert sum(1 for e in enabled if e.unique_id.endswith("_state")) == STATIONS
    assert "maximum" not in caplog.text
