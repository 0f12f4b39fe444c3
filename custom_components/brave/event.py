"""The station's lifecycle event entity: prompt, countdown, alert, reminders, outcome..."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BraveConfigEntry
from .entity import BraveStationEntity, add_station_entities
from .lifecycle import LIFECYCLE_EVENTS

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's event entity."""
    add_station_entities(
        entry, async_add_entities, lambda c, runtime: [LifecycleEvent(c, runtime, "lifecycle")]
    )


class LifecycleEvent(BraveStationEntity, EventEntity):
    """Fires once per step of the station's escalations, for automations and the logbook."""

    _attr_event_types = LIFECYCLE_EVENTS

    async def async_added_to_hass(self) -> None:
        """Follow the station's lifecycle events."""
        self.async_on_remove(self.runtime.add_event_listener(self._lifecycle_event))

    @callback
    def _lifecycle_event(self, name: str, attributes: dict[str, Any]) -> None:
        self._trigger_event(name, attributes)
        self.async_write_ha_state()
