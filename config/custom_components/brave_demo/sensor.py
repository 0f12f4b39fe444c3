"""The washroom radar's movement state and, per room, the speaker's last words."""

from __future__ import annotations

from homeassistant.components.sensor import RestoreSensor, SensorDeviceClass, SensorEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import ROOMS, DemoConfigEntry, Room, device

MOVEMENT = ["none", "still", "moving"]


async def async_setup_entry(
    hass: HomeAssistant, entry: DemoConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the radar's movement and each speaker's last words."""
    rooms = entry.runtime_data
    entities: list[SensorEntity] = [RadarMovement(rooms["washroom"])]
    entities += [LastWords(name, rooms[name]) for name in ROOMS]
    async_add_entities(entities)


class RadarMovement(RestoreSensor):
    """What the radar reports: nobody, someone still, someone moving."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = MOVEMENT
    _attr_name = "Movement"
    _attr_unique_id = "washroom_radar_movement"
    _attr_device_info = device("washroom", "radar", "Virtual mmWave radar")

    def __init__(self, room: Room) -> None:
        self.room = room

    async def async_added_to_hass(self) -> None:
        """Restore, then follow the room."""
        if (last := await self.async_get_last_state()) is not None and last.state in MOVEMENT:
            self.room.movement = last.state
        self.async_on_remove(self.room.listen(self.async_write_ha_state))

    @property
    def native_value(self) -> str:
        """The movement state."""
        return self.room.movement


class LastWords(RestoreSensor):
    """What the room last heard from its speaker."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_name = "Last words"
    _attr_icon = "mdi:account-voice"

    def __init__(self, name: str, room: Room) -> None:
        self.room = room
        self._attr_unique_id = f"{name}_speaker_last_words"
        self._attr_device_info = device(name, "speaker", "Virtual speaker")

    async def async_added_to_hass(self) -> None:
        """Restore, then follow the room."""
        if (last := await self.async_get_last_sensor_data()) is not None:
            self.room.last_words = str(last.native_value) if last.native_value else None
        self.async_on_remove(self.room.listen(self.async_write_ha_state))

    @property
    def native_value(self) -> str | None:
        """The words, cut to fit a state."""
        return None if self.room.last_words is None else self.room.last_words[:255]
