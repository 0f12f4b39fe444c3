"""Every entity of each platform, its registry entry and its state, against a snapshot.

A change to a name, unique id, device class, category, unit, option or attribute shows here
as a diff to review (update with `scripts/test tests/platforms --snapshot-update`).
"""

from __future__ import annotations

from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from ..conftest import RunningServer, site_with_station, station_data
from ..helpers import setup_site


@pytest.mark.parametrize(
    "platform",
    [
        Platform.BINARY_SENSOR,
        Platform.BUTTON,
        Platform.EVENT,
        Platform.NUMBER,
        Platform.SENSOR,
        Platform.SWITCH,
    ],
)
async def test_platform(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    dispatch_server: RunningServer,
    platform: Platform,
    freezer: FrozenDateTimeFactory,
) -> None:
    # The site's monthly summary names the month: the picture never depends on today's date.
    freezer.move_to("2026-11-15T12:00:00+00:00")
    entry = site_with_station(
        dispatch_server, station_data(room_sensing=True, door=True), entry_id="site0001"
    )
    # Entities disabled by default are part of the picture too.
    with (
        patch("custom_components.brave.PLATFORMS", [platform]),
        patch(
            "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
            True,
        ),
    ):
        await setup_site(hass, entry)
    await snapshot_platform(
        hass,
        entity_registry,
        snapshot.use_extension(HomeAssistantSnapshotExtension),
        entry.entry_id,
    )
