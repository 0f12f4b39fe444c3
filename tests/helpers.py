"""Helpers shared by the Home Assistant tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.brave.const import DOMAIN

from .conftest import STATION_ID


async def setup_site(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and load a site entry."""
    if entry.entry_id not in {e.entry_id for e in hass.config_entries.async_entries(DOMAIN)}:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def move_ahead_to(freezer: FrozenDateTimeFactory, hour: int) -> None:
    """Move the clock forward to the next `hour`:00 UTC.

    Tests that need a time of day get it without naming a date, and the clock only ever moves
    forward from the real time (timers Home Assistant has already armed stay consistent).
    """
    now = dt_util.utcnow()
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    freezer.move_to(target)


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, *seconds: float) -> None:
    """Let time pass in steps, firing every timer that comes due at the end of each step.

    Home Assistant runs continuously, so tests step to each deadline rather than jumping
    over several: a deadline handled long after its time counts as missed.
    """
    for step in seconds:
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        # Interval jobs (polling, liveness) run as background tasks.
        await hass.async_block_till_done(wait_background_tasks=True)


def entity_id(hass: HomeAssistant, platform: str, key: str) -> str:
    """The entity id of one of the test station's entities."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{STATION_ID}_{key}")
    assert found is not None
    return found


def enable_before_setup(
    hass: HomeAssistant, entry: MockConfigEntry, platform: str, *keys: str
) -> None:
    """Register test-station entities that are off by default as enabled, before the site
    is set up (as if a person had enabled them earlier)."""
    if entry.entry_id not in {e.entry_id for e in hass.config_entries.async_entries(DOMAIN)}:
        entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for key in keys:
        registry.async_get_or_create(
            platform,
            DOMAIN,
            f"{STATION_ID}_{key}",
            config_entry=entry,
            config_subentry_id=STATION_ID,
        )


async def enable_entities(hass: HomeAssistant, platform: str, *keys: str) -> None:
    """Enable test-station entities that are off by default, as a person would; the site
    reloads (Home Assistant does the same 30 s after an entity is enabled in its UI)."""
    registry = er.async_get(hass)
    entry_ids = set()
    for key in keys:
        entry = registry.async_update_entity(entity_id(hass, platform, key), disabled_by=None)
        entry_ids.add(entry.config_entry_id)
    for entry_id in entry_ids:
        assert entry_id is not None
        assert await hass.config_entries.async_reload(entry_id)
    await hass.async_block_till_done()


def station_state(hass: HomeAssistant) -> str:
    """The test station's state sensor."""
    state = hass.states.get(entity_id(hass, "sensor", "state"))
    assert state is not None
    return state.state


def device_id(hass: HomeAssistant) -> str:
    """The test station's device id (what services take as `station`)."""
    entry = er.async_get(hass).async_get(entity_id(hass, "sensor", "state"))
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


@pytest.fixture(name="spoken")
def spoken_fixture(hass: HomeAssistant) -> list[ServiceCall]:
    """What the station says in the room (tts.speak calls)."""
    return async_mock_service(hass, "tts", "speak")


async def notifications(hass: HomeAssistant, ws: WebSocketGenerator) -> list[dict[str, Any]]:
    """Home Assistant's persistent notifications, as its UI reads them."""
    await async_setup_component(hass, "persistent_notification", {})
    client = await ws()
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    answer = await client.receive_json()
    assert answer["success"]
    return list(answer["result"])


async def open_site_options(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> Any:
    """Open the site's options and choose a step from its menu."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["responders", "import_stations"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    assert result["step_id"] == step
    return result
