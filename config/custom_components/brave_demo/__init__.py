"""Virtual devices for Brave's demo (docs/demo.md). Demo only: never installed with Brave.

A washroom with a radar (presence and movement) and a door contact, a bedroom with a
Zigbee-style button that Brave knows only by its IEEE address, and in each room a speaker that
shows the last words it was given and a light that shows when it flashes. Buttons on the
dashboard stand in for the person: walk in, stand still, move, leave, open or close the door,
press the bedroom button. Each changes the virtual devices exactly as the real ones would show
in Home Assistant, so Brave sees nothing special.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo

DOMAIN = "brave_demo"
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.LIGHT,
    Platform.NOTIFY,
    Platform.SENSOR,
]
# The bedroom button's IEEE address, as ZHA would report it (Tuya's prefix; "de" for demo).
BUTTON_IEEE = "a4:c1:38:de:00:00:00:01"
ROOMS = ("washroom", "bedroom")


@dataclass
class Room:
    """What the virtual devices of one room show."""

    present: bool = False
    movement: str = "none"  # none, still or moving, as radars with a movement state report
    door_open: bool = False
    last_words: str | None = None
    listeners: list[Callable[[], None]] = field(default_factory=list)

    @callback
    def listen(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener after every change."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    @callback
    def changed(self) -> None:
        """Tell the room's entities."""
        for listener in list(self.listeners):
            listener()


type DemoConfigEntry = ConfigEntry[dict[str, Room]]


def device(room: str, part: str, model: str) -> DeviceInfo:
    """One virtual device, named like the real one would be (e.g. "Washroom radar")."""
    return DeviceInfo(
        identifiers={(DOMAIN, f"{room}_{part}")},
        name=f"{room.capitalize()} {part}",
        manufacturer="Brave demo",
        model=model,
    )


async def async_setup_entry(hass: HomeAssistant, entry: DemoConfigEntry) -> bool:
    """Create the rooms and their devices."""
    entry.runtime_data = {name: Room() for name in ROOMS}
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DemoConfigEntry) -> bool:
    """Remove the devices' entities."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
