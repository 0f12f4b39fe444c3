"""Station state and next-deadline sensors."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BraveConfigEntry
from .engine.station import Phase
from .entity import BraveStationEntity

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's sensors."""
    coordinator = entry.runtime_data
    for runtime in coordinator.stations.values():
        async_add_entities(
            [
                StationStateSensor(coordinator, runtime, "state"),
                NextDeadlineSensor(coordinator, runtime, "next_deadline"),
            ],
            config_subentry_id=runtime.station_id,
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
