"""The washroom radar's presence and the washroom door contact."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from . import DemoConfigEntry, Room, device


async def async_setup_entry(
    hass: HomeAssistant, entry: DemoConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the washroom's radar presence and door."""
    room = entry.runtime_data["washroom"]
    async_add_entities([RadarPresence(room), DoorContact(room)])


class _RoomBinarySensor(BinarySensorEntity, RestoreEntity):
    """A binary sensor that follows its room and comes back as it was after a restart."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, room: Room) -> None:
        self.room = room

    def _restore(self, on: bool) -> None:
        raise NotImplementedError

    async def async_added_to_hass(self) -> None:
        """Restore, then follow the room."""
        if (last := await self.async_get_last_state()) is not None:
            self._restore(last.state == STATE_ON)
        self.async_on_remove(self.room.listen(self.async_write_ha_state))


class RadarPresence(_RoomBinarySensor):
    """Someone is in the washroom, as the radar sees it."""

    _attr_device_class = BinarySensorDeviceClass.OCCUPANCY
    _attr_name = "Presence"
    _attr_unique_id = "washroom_radar_presence"
    _attr_device_info = device("washroom", "radar", "Virtual mmWave radar")

    def _restore(self, on: bool) -> None:
        self.room.present = on

    @property
    def is_on(self) -> bool:
        """Whether someone is there."""
        return self.room.present


class DoorContact(_RoomBinarySensor):
    """The washroom door (on: open)."""

    _attr_device_class = BinarySensorDeviceClass.DOOR
    _attr_name = None
    _attr_unique_id = "washroom_door"
    _attr_device_info = device("washroom", "door", "Virtual door contact")

    def _restore(self, on: bool) -> None:
        self.room.door_open = on

    @property
    def is_on(self) -> bool:
        """Whether the door is open."""
        return self.room.door_open
