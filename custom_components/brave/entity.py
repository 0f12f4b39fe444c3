"""Base classes of Brave's entities: a device per station under the site's device."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .adapters.site import BraveSite
from .adapters.station_driver import StationDriver
from .const import DOMAIN
from .types import BraveConfigEntry


def add_station_entities(
    entry: BraveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    make: Callable[[BraveSite, StationDriver], Iterable[Entity]],
) -> None:
    """Add the entities make() builds for each station, under the station's subentry."""
    site = entry.runtime_data
    for driver in site.drivers.values():
        async_add_entities(list(make(site, driver)), config_subentry_id=driver.station_id)


class _PushedEntity(Entity):
    """An entity told of changes, that writes its state only when it changed."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _written: tuple[Any, Any] | None = None

    @callback
    def _maybe_write(self) -> None:
        seen = (self.state, self.extra_state_attributes)
        if seen != self._written:
            self._written = seen
            self.async_write_ha_state()


class BraveStationEntity(_PushedEntity):
    """An entity of one station."""

    def __init__(
        self, site: BraveSite, driver: StationDriver, description: EntityDescription
    ) -> None:
        """Attach to a station's device, which hangs off the site's device."""
        self.site = site
        self.driver = driver
        self.entity_description = description
        self._attr_unique_id = f"{driver.station_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, driver.station_id)},
            name=driver.title,
            manufacturer="Brave",
            model="Station",
            via_device_id=site.device_id,
            suggested_area=driver.area,
        )

    async def async_added_to_hass(self) -> None:
        """Follow the station's changes."""
        self.async_on_remove(self.driver.add_listener(self._maybe_write))


class BraveSiteEntity(_PushedEntity):
    """An entity of the site itself: its dispatch connection and device health."""

    def __init__(self, site: BraveSite, description: EntityDescription) -> None:
        """Attach to the site's device."""
        self.site = site
        self.entity_description = description
        self._attr_unique_id = f"{site.entry.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, site.entry.entry_id)},
            name=site.entry.title,
            manufacturer="Brave",
            model="Dispatch connection",
            entry_type=DeviceEntryType.SERVICE,
        )

    async def async_added_to_hass(self) -> None:
        """Follow the outbox and the site's device health."""
        self.async_on_remove(self.site.sender.add_listener(self._maybe_write))
        self.async_on_remove(self.site.health.add_listener(self._maybe_write))
