"""A speaker per room: Brave speaks through it as through any notify entity."""

from __future__ import annotations

from homeassistant.components.notify import NotifyEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import ROOMS, DemoConfigEntry, Room, device


async def async_setup_entry(
    hass: HomeAssistant, entry: DemoConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a speaker to each room."""
    async_add_entities(Speaker(name, entry.runtime_data[name]) for name in ROOMS)


class Speaker(NotifyEntity):
    """Says the message in the room: here, shows it as the speaker's last words."""

    _attr_has_entity_name = True
    _attr_name = None

    def __init__(self, name: str, room: Room) -> None:
        self.room = room
        self._attr_unique_id = f"{name}_speaker"
        self._attr_device_info = device(name, "speaker", "Virtual speaker")

    async def async_send_message(self, message: str, title: str | None = None) -> None:
        """Speak the message."""
        self.room.last_words = message
        self.room.changed()
