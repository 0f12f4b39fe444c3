"""Base class of every station entity: one device per station, pushed updates."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BraveConfigEntry
from .const import DOMAIN
from .coordinator import BraveCoordinator
from .runtime import StationRuntime


def add_station_entities(
    entry: BraveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[BraveCoordinator, StationRuntime], Iterable[Entity]],
) -> None:
    """Add the entities make() builds for each station, under the station's subentry."""
    coordinator = entry.runtime_data
    for runtime in coordinator.stations.values():
        async_add_entities(list(make(coordinator, runtime)), config_subentry_id=runtime.station_id)


class BraveStationEntity(Entity):
    """An entity of one station."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, coordinator: BraveCoordinator, runtime: StationRuntime, key: str) -> None:
        """Attach to a station's device."""
        self.coordinator = coordinator
        self.runtime = runtime
        self._attr_translation_key = key
        self._attr_unique_id = f"{runtime.station_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, runtime.station_id)},
            name=runtime.title,
            manufacturer="Brave",
            model="Station",
        )

    async def async_added_to_hass(self) -> None:
        """Follow the station's changes."""
        self.async_on_remove(self.runtime.add_listener(self._station_changed))

    @callback
    def _station_changed(self) -> None:
        self.async_write_ha_state()


class BraveSiteEntity(Entity):
    """An entity of the site itself: its connection to the dispatch service."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, coordinator: BraveCoordinator, key: str) -> None:
        """Attach to the site's device."""
        self.coordinator = coordinator
        self.sender = coordinator.alerting.sender
        self._attr_translation_key = key
        self._attr_unique_id = f"{coordinator.entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.entry.entry_id)},
            name=coordinator.entry.title,
            manufacturer="Brave",
            model="Dispatch connection",
            entry_type=DeviceEntryType.SERVICE,
        )

    async def async_added_to_hass(self) -> None:
        """Follow the outbox."""
        self.async_on_remove(self.sender.add_listener(self.async_write_ha_state))
