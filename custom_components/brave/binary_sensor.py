"""The station's alert binary sensor."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BraveConfigEntry
from .engine.station import Phase
from .entity import BraveSiteEntity, BraveStationEntity, add_station_entities

PARALLEL_UPDATES = 0

# On from the countdown until a responder closes the alert.
_UNSAFE = frozenset({Phase.COUNTDOWN, Phase.ALERT, Phase.RESPONDER_ATTENDING})


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the site's connectivity and health sensors, and each station's sensors."""
    async_add_entities(
        [
            DispatchConnectedSensor(entry.runtime_data, "dispatch_connected"),
            SiteHealthSensor(entry.runtime_data, "site_device_health"),
        ]
    )
    add_station_entities(
        entry,
        async_add_entities,
        lambda c, runtime: [
            AlertBinarySensor(c, runtime, "alert"),
            HealthProblemSensor(c, runtime, "device_health"),
        ],
    )


class AlertBinarySensor(BraveStationEntity, BinarySensorEntity):
    """On (unsafe) while help is being called or is on the way."""

    _attr_device_class = BinarySensorDeviceClass.SAFETY

    @property
    def is_on(self) -> bool:
        """Whether an alert is counting down or open."""
        return self.runtime.engine.phase in _UNSAFE


class DispatchConnectedSensor(BraveSiteEntity, BinarySensorEntity):
    """Whether the dispatch service answers (unknown until the first attempt)."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY

    @property
    def is_on(self) -> bool | None:
        """The last thing the service showed: answering, or not."""
        return self.sender.connected


class HealthProblemSensor(BraveStationEntity, BinarySensorEntity):
    """On while a bound device needs attention (docs/devices.md, "Device health")."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    @property
    def is_on(self) -> bool:
        """Whether any bound device has a fault."""
        return bool(self.coordinator.health.faults(self.runtime.station_id))

    @property
    def extra_state_attributes(self) -> dict[str, list[str]]:
        """Each fault as `<entity>: <fault>`."""
        faults = self.coordinator.health.faults(self.runtime.station_id)
        return {
            "faults": [
                f"{device}: {fault}"
                for device in sorted(faults)
                for fault in sorted(faults[device])
            ]
        }


class SiteHealthSensor(BraveSiteEntity, BinarySensorEntity):
    """On while any station of the site has a device that needs attention."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM

    async def async_added_to_hass(self) -> None:
        """Follow every station (their health changes come with their updates)."""
        for runtime in self.coordinator.stations.values():
            self.async_on_remove(runtime.add_listener(self.async_write_ha_state))

    def _needing_attention(self) -> list[str]:
        health = self.coordinator.health
        return sorted(
            runtime.title
            for station_id, runtime in self.coordinator.stations.items()
            if health.faults(station_id)
        )

    @property
    def is_on(self) -> bool:
        """Whether any station has a fault."""
        return bool(self._needing_attention())

    @property
    def extra_state_attributes(self) -> dict[str, list[str]]:
        """The stations whose devices need attention."""
        return {"stations": self._needing_attention()}
