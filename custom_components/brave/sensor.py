"""Station state and next-step sensors; the site's queue and last error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .adapters.site import BraveSite
from .adapters.station_driver import StationDriver
from .core.engine.station import Phase
from .entity import BraveSiteEntity, BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class StationSensorDescription(SensorEntityDescription):
    """A station sensor and how its value is read."""

    value_fn: Callable[[StationDriver], str | datetime | None]


@dataclass(frozen=True, kw_only=True)
class SiteSensorDescription(SensorEntityDescription):
    """A site sensor and how its value is read."""

    value_fn: Callable[[BraveSite], str | int | None]


STATION_SENSORS = (
    # What the station is doing: idle, occupied, prompting, countdown, alert, ...
    StationSensorDescription(
        key="state",
        translation_key="state",
        device_class=SensorDeviceClass.ENUM,
        options=[phase.value for phase in Phase],
        value_fn=lambda driver: driver.engine.phase.value,
    ),
    # When the station next acts by itself (prompt, countdown end, reminder...).
    StationSensorDescription(
        key="next_deadline",
        translation_key="next_deadline",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda driver: driver.engine.next_deadline,
    ),
)


def _last_error(site: BraveSite) -> str | None:
    error = site.sender.last_error
    return None if error is None else error[:255]


SITE_SENSORS = (
    # Alerts and events waiting for the dispatch service to confirm them.
    SiteSensorDescription(
        key="queued_writes",
        translation_key="queued_writes",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda site: len(site.sender.outbox),
    ),
    # The dispatch service's last error, for whoever keeps the site running.
    SiteSensorDescription(
        key="last_error",
        translation_key="last_error",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_error,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the site's sensors and each station's."""
    site = entry.runtime_data
    async_add_entities(SiteSensor(site, d) for d in SITE_SENSORS)
    add_station_entities(
        entry,
        async_add_entities,
        lambda site, driver: [StationSensor(site, driver, d) for d in STATION_SENSORS],
    )


class StationSensor(BraveStationEntity, SensorEntity):
    """A sensor of one station."""

    entity_description: StationSensorDescription

    @property
    def native_value(self) -> str | datetime | None:
        """The station's value."""
        return self.entity_description.value_fn(self.driver)


class SiteSensor(BraveSiteEntity, SensorEntity):
    """A sensor of the site."""

    entity_description: SiteSensorDescription

    @property
    def native_value(self) -> str | int | None:
        """The site's value."""
        return self.entity_description.value_fn(self.site)
