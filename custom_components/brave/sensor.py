"""Station state and next-deadline sensors."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BraveConfigEntry
from .engine.station import Phase
from .entity import BraveSiteEntity, BraveStationEntity, add_station_entities

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's sensors."""
    coordinator = entry.runtime_data
    async_add_entities(
        [
            QueuedWritesSensor(coordinator, "queued_writes"),
            LastErrorSensor(coordinator, "last_error"),
        ]
    )
    add_station_entities(
        entry,
        async_add_entities,
        lambda c, runtime: [
            StationStateSensor(c, runtime, "state"),
            NextDeadlineSensor(c, runtime, "next_deadline"),
        ],
    )


class StationStateSensor(BraveStationEntity, SensorEntity):
    """What the station is doing: idle, occupied, prompting, countdown, alert, ..."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [phase.value for phase in Phase]

    @property
    def native_value(self) -> str:
        """The station's phase."""
        return self.runtime.engine.phase.value


class NextDeadlineSensor(BraveStationEntity, SensorEntity):
    """When the station next acts by itself (prompt, countdown end, reminder...)."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP

    @property
    def native_value(self) -> datetime | None:
        """The next deadline, if any."""
        return self.runtime.engine.next_deadline


class QueuedWritesSensor(BraveSiteEntity, SensorEntity):
    """Alerts and events waiting for the dispatch service to confirm them."""

    _attr_state_class = SensorStateClass.MEASUREMENT

    @property
    def native_value(self) -> int:
        """How many writes are waiting."""
        return len(self.sender.outbox.writes)


class LastErrorSensor(BraveSiteEntity, SensorEntity):
    """The dispatch service's last error, for whoever keeps the site running."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC

    @property
    def native_value(self) -> str | None:
        """The error, cut to fit a state."""
        error = self.sender.last_error
        return None if error is None else error[:255]
