"""What a visitor does: the washroom visitor's moves and the bedroom button's gestures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BUTTON_IEEE, DemoConfigEntry, Room, device

# ZHA's event for a press on a button that has no entity: what a Tuya TS0041 sends.
ZHA_EVENT = "zha_event"
GESTURES = {
    "press": ("Press", "mdi:gesture-tap", "remote_button_short_press"),
    "long_press": ("Long press", "mdi:gesture-tap-hold", "remote_button_long_press"),
    "double_press": ("Double press", "mdi:gesture-double-tap", "remote_button_double_press"),
}


@dataclass(frozen=True, slots=True)
class Move:
    """One thing the washroom visitor does, as the room's sensors would show it."""

    name: str
    icon: str
    steps: tuple[Callable[[Room], None], ...]


def _door(open_: bool) -> Callable[[Room], None]:
    def step(room: Room) -> None:
        room.door_open = open_

    return step


def _body(present: bool, movement: str) -> Callable[[Room], None]:
    def step(room: Room) -> None:
        room.present, room.movement = present, movement

    return step


# Walking in or out opens and closes the door around the person, as it happens.
MOVES = {
    "walk_in": Move(
        "Walk in", "mdi:location-enter", (_door(True), _body(True, "moving"), _door(False))
    ),
    "stand_still": Move("Stand still", "mdi:human-male", (_body(True, "still"),)),
    "move": Move("Move", "mdi:run", (_body(True, "moving"),)),
    "leave": Move("Leave", "mdi:location-exit", (_door(True), _body(False, "none"), _door(False))),
    "open_door": Move("Open door", "mdi:door-open", (_door(True),)),
    "close_door": Move("Close door", "mdi:door-closed", (_door(False),)),
}


async def async_setup_entry(
    hass: HomeAssistant, entry: DemoConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the visitor's moves and the bedroom button's gestures."""
    washroom = entry.runtime_data["washroom"]
    async_add_entities(
        [
            *(VisitorMove(washroom, key, move) for key, move in MOVES.items()),
            *(ButtonGesture(key, *gesture) for key, gesture in GESTURES.items()),
        ]
    )


class VisitorMove(ButtonEntity):
    """Each step changes the sensors and is written before the next, like real reports."""

    _attr_has_entity_name = True
    _attr_device_info = device("washroom", "visitor", "Demo controls")

    def __init__(self, room: Room, key: str, move: Move) -> None:
        self.room = room
        self.move = move
        self._attr_unique_id = f"washroom_visitor_{key}"
        self._attr_name = move.name
        self._attr_icon = move.icon

    async def async_press(self) -> None:
        """Do the move."""
        for step in self.move.steps:
            step(self.room)
            self.room.changed()


class ButtonGesture(ButtonEntity):
    """Sends what ZHA sends for the bedroom button's gesture; Brave learned the button by it."""

    _attr_has_entity_name = True
    _attr_device_info = device("bedroom", "button", "Virtual Zigbee button (TS0041)")

    def __init__(self, key: str, name: str, icon: str, command: str) -> None:
        self.command = command
        self._attr_unique_id = f"bedroom_button_{key}"
        self._attr_name = name
        self._attr_icon = icon

    async def async_press(self) -> None:
        """Fire the zha_event a real press would."""
        self.hass.bus.async_fire(
            ZHA_EVENT,
            {
                "device_ieee": BUTTON_IEEE,
                "unique_id": f"{BUTTON_IEEE}:1:0x0006",
                "device_id": self.registry_entry.device_id if self.registry_entry else None,
                "endpoint_id": 1,
                "cluster_id": 6,
                "command": self.command,
                "args": [],
                "params": {},
            },
        )
