"""The station's alert and device-health sensors; the site's connection and device health."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .adapters.site import BraveSite
from .adapters.station_driver import StationDriver
from .core.engine.station import Phase
from .entity import BraveSiteEntity, BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

PARALLEL_UPDATES = 0

# On from the countdown until a responder closes the alert (a test alert is not unsafe).
_UNSAFE = frozenset({Phase.COUNTDOWN, Phase.ALERT, Phase.RESPONDER_ATTENDING})


@dataclass(frozen=True, kw_only=True)
class StationBinaryDescription(BinarySensorEntityDescription):
    """A station binary sensor, how it is read, and what it shows besides."""

    is_on_fn: Callable[[BraveSite, StationDriver], bool]
    attributes_fn: Callable[[BraveSite, StationDriver], dict[str, Any]] | None = None


@dataclass(frozen=True, kw_only=True)
class SiteBinaryDescription(BinarySensorEntityDescription):
    """A site binary sensor, how it is read, and what it shows besides."""

    is_on_fn: Callable[[BraveSite], bool | None]
    attributes_fn: Callable[[BraveSite], dict[str, Any]] | None = None


def _faults(site: BraveSite, driver: StationDriver) -> dict[str, list[str]]:
    """Each fault as `<device>: <fault>`."""
    faults = site.health.faults(driver.station_id)
    return {
        "faults": [
            f"{device}: {fault}" for device in sorted(faults) for fault in sorted(faults[device])
        ]
    }


STATION_BINARY_SENSORS = (
    # On (unsafe) while help is being called or is on the way.
    StationBinaryDescription(
        key="alert",
        translation_key="alert",
        device_class=BinarySensorDeviceClass.SAFETY,
        is_on_fn=lambda site, driver: driver.engine.phase in _UNSAFE,
    ),
    # On while a bound device needs attention (docs/devices.md, "Device health").
    StationBinaryDescription(
        key="device_health",
        translation_key="device_health",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda site, driver: bool(site.health.faults(driver.station_id)),
        attributes_fn=_faults,
    ),
)

SITE_BINARY_SENSORS = (
    # Whether the dispatch service answers (unknown until the first attempt).
    SiteBinaryDescription(
        key="dispatch_connected",
        translation_key="dispatch_connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda site: site.sender.connected,
    ),
    # On while any station of the site has a device that needs attention.
    SiteBinaryDescription(
        key="site_device_health",
        translation_key="site_device_health",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda site: bool(site.health.stations_with_faults),
        attributes_fn=lambda site: {
            "stations": sorted(
                site.drivers[sid].title
                for sid in site.health.stations_with_faults
                if sid in site.drivers
            )
        },
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the site's connectivity and health sensors, and each station's sensors."""
    site = entry.runtime_data
    async_add_entities(SiteBinarySensor(site, d) for d in SITE_BINARY_SENSORS)
    add_station_entities(
        entry,
        async_add_entities,
        lambda site, driver: [StationBinarySensor(site, driver, d) for d in STATION_BINARY_SENSORS],
    )


class StationBinarySensor(BraveStationEntity, BinarySensorEntity):
    """A binary sensor of one station."""

    entity_description: StationBinaryDescription

    @property
    def is_on(self) -> bool:
        """The station's value."""
        return self.entity_description.is_on_fn(self.site, self.driver)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What the sensor shows besides."""
        if (attributes := self.entity_description.attributes_fn) is None:
            return None
        return attributes(self.site, self.driver)


class SiteBinarySensor(BraveSiteEntity, BinarySensorEntity):
    """A binary sensor of the site."""

    entity_description: SiteBinaryDescription

    @property
    def is_on(self) -> bool | None:
        """The site's value."""
        return self.entity_description.is_on_fn(self.site)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What the sensor shows besides."""
        if (attributes := self.entity_description.attributes_fn) is None:
            return None
        return attributes(self.site)
