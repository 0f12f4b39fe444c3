"""The station's lifecycle event entity: prompt, countdown, alert, reminders, outcome..."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .core.alert_steps import EVENT_TYPES
from .entity import BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

# The unique id keeps the key this entity had first ("lifecycle"): existing entities stay.
STEPS = EventEntityDescription(
    key="lifecycle", translation_key="alert_steps", event_types=EVENT_TYPES
)

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's event entity."""
    add_station_entities(
        entry, async_add_entities, lambda site, driver: [StationEvent(site, driver, STEPS)]
    )


class StationEvent(BraveStationEntity, EventEntity):
    """Fires once per step of the station's escalations, for automations and the logbook."""

    async def async_added_to_hass(self) -> None:
        """Follow the station's events."""
        self.async_on_remove(self.driver.add_event_listener(self._station_event))

    @callback
    def _station_event(self, name: str, attributes: dict[str, Any]) -> None:
        self._trigger_event(name, attributes)
        self.async_write_ha_state()
