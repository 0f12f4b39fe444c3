"""Buttons that show as no entity: read their presses from ZHA events and Zigbee2MQTT messages.

Pure functions, no Home Assistant imports: the listening is in devices/buttons.py.

A learned button is stored in a station's sensors section, one dict per button:
`{"source": "zha", "ieee": "a4:c1:38:...", "help": [...], "answer": [...],
"start_check_in": [...]}` or the same with `"source": "mqtt", "topic": "<base>/<name>"`.
A gesture is what the stack names the press: a `zha_event`'s `command` (attribute reports
carry their value, e.g. `attribute_updated:2`), or Zigbee2MQTT's `action`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from ..engine.events import PressAction

SOURCE_ZHA: Final = "zha"
SOURCE_MQTT: Final = "mqtt"
DEFAULT_BASE_TOPIC: Final = "zigbee2mqtt"
ACTION_SUFFIX: Final = "/action"
AVAILABILITY_SUFFIX: Final = "/availability"
_ATTRIBUTE_UPDATED = "attribute_updated"
_HEX = frozenset("0123456789abcdef")

# Gestures offered besides the captured one, per stack.
COMMON_GESTURES: Final[dict[str, tuple[str, ...]]] = {
    SOURCE_ZHA: (
        "remote_button_short_press",
        "remote_button_double_press",
        "remote_button_long_press",
        "single",
        "double",
        "triple",
        "hold",
        "long_press",
    ),
    SOURCE_MQTT: ("single", "double", "triple", "hold", "long"),
}


def normalise_ieee(value: str) -> str:
    """An IEEE address in ZHA's form (`a4:c1:38:85:a8:b5:4c:d1`), whatever its spelling.

    ZHA's `a4:c1:...` (any case) or Zigbee2MQTT's `0xa4c1...`; ValueError for anything else.
    Exactly 8 bytes: a longer address is another device, never cut down to one of ours.
    """
    text = value.strip().lower()
    if text.startswith("0x"):
        digits = text[2:]
    else:
        parts = text.split(":")
        if len(parts) != 8 or any(len(part) != 2 for part in parts):
            raise ValueError(value)
        digits = "".join(parts)
    if len(digits) != 16 or not all(c in _HEX for c in digits):
        raise ValueError(value)
    return ":".join(digits[i : i + 2] for i in range(0, 16, 2))


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """One press as a stack reported it: which device and which gesture."""

    source: str
    key: str  # the IEEE address (zha) or the device topic `<base>/<name>` (mqtt)
    gesture: str


def zha_press(data: Mapping[str, Any]) -> ButtonPress | None:
    """The press in a `zha_event`'s data, or None when it names no device or command."""
    ieee, command = data.get("device_ieee"), data.get("command")
    if not isinstance(ieee, str) or not isinstance(command, str) or not command:
        return None
    try:
        key = normalise_ieee(ieee)
    except ValueError:
        return None
    gesture = command
    args = data.get("args")
    if command == _ATTRIBUTE_UPDATED and isinstance(args, Mapping) and "value" in args:
        # Aqara WXKG11LM: every gesture is an attribute report, told apart by its value.
        gesture = f"{command}:{args['value']}"
    return ButtonPress(SOURCE_ZHA, key, gesture)


def z2m_press(topic: str, payload: str | bytes | bytearray) -> ButtonPress | None:
    """The press in a Zigbee2MQTT message, or None when it is no press.

    `<base>/<name>` carries JSON with an `action`; `<base>/<name>/action` the action as plain
    text. Empty actions (Zigbee2MQTT clears the action after a press) are no press.
    """
    text = payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
    action: Any
    if topic.endswith(ACTION_SUFFIX):
        device, action = topic.removesuffix(ACTION_SUFFIX), text.strip()
    else:
        try:
            message = orjson.loads(text)
        except ValueError:
            return None
        if not isinstance(message, dict):
            return None
        device, action = topic, message.get("action")
    if not device or not isinstance(action, str) or not action:
        return None
    return ButtonPress(SOURCE_MQTT, device, action)


@dataclass(frozen=True, slots=True)
class DeviceReport:
    """What a Zigbee2MQTT message tells of a device's health (docs/devices.md)."""

    key: str  # the device topic `<base>/<name>`
    battery: float | None = None
    available: bool | None = None


def _availability(text: str) -> bool | None:
    state: Any = text.strip()
    if state.startswith("{"):
        try:
            message = orjson.loads(state)
        except ValueError:
            return None
        state = message.get("state") if isinstance(message, dict) else None
    if state == "online":
        return True
    if state == "offline":
        return False
    return None


def z2m_report(topic: str, payload: str | bytes | bytearray) -> DeviceReport | None:
    """The battery level or availability in a Zigbee2MQTT message, or None when it has neither.

    `<base>/<name>` carries JSON, with `battery` in percent; `<base>/<name>/availability`
    carries `online`/`offline`, or JSON `{"state": "online"}`.
    """
    text = payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
    if topic.endswith(AVAILABILITY_SUFFIX):
        available = _availability(text)
        device = topic.removesuffix(AVAILABILITY_SUFFIX)
        return DeviceReport(device, available=available) if available is not None else None
    if topic.endswith(ACTION_SUFFIX):
        return None
    try:
        message = orjson.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    battery = message.get("battery")
    if isinstance(battery, bool) or not isinstance(battery, int | float):
        return None
    return DeviceReport(topic, battery=float(battery))


@dataclass(frozen=True, slots=True)
class LearnedButton:
    """A learned button and what each of its gestures means."""

    source: str
    key: str
    help: tuple[str, ...] = ()
    answer: tuple[str, ...] = ()
    start_check_in: tuple[str, ...] = ()

    def action_for(self, gesture: str) -> PressAction | None:
        """What a gesture means; None for a gesture listed nowhere."""
        if gesture in self.help:
            return PressAction.HELP
        if gesture in self.answer:
            return PressAction.ANSWER
        if gesture in self.start_check_in:
            return PressAction.START_CHECK_IN
        return None

    def as_dict(self) -> dict[str, Any]:
        """The stored form (a station's sensors section)."""
        where = "ieee" if self.source == SOURCE_ZHA else "topic"
        return {
            "source": self.source,
            where: self.key,
            "help": list(self.help),
            "answer": list(self.answer),
            "start_check_in": list(self.start_check_in),
        }


def learned_button(raw: Mapping[str, Any]) -> LearnedButton | None:
    """A stored learned button, or None when it cannot be read."""
    source = raw.get("source")
    try:
        if source == SOURCE_ZHA:
            key = normalise_ieee(str(raw["ieee"]))
        elif source == SOURCE_MQTT:
            key = str(raw["topic"]).strip("/")
        else:
            return None
    except KeyError, ValueError:
        return None
    if not key:
        return None
    return LearnedButton(
        source=source,
        key=key,
        help=tuple(raw.get("help") or ()),
        answer=tuple(raw.get("answer") or ()),
        start_check_in=tuple(raw.get("start_check_in") or ()),
    )


def learned_buttons(raw: Iterable[Mapping[str, Any]] | None) -> tuple[LearnedButton, ...]:
    """The readable learned buttons of a station."""
    return tuple(b for item in raw or () if (b := learned_button(item)) is not None)


def action_for(buttons: Iterable[LearnedButton], press: ButtonPress) -> PressAction | None:
    """What a press means to a station with these learned buttons (None: not its button)."""
    for button in buttons:
        if (
            button.source == press.source
            and button.key == press.key
            and (action := button.action_for(press.gesture)) is not None
        ):
            return action
    return None


def gesture_options(source: str, captured: str) -> list[str]:
    """Gestures to offer after a capture: the captured one first, then the stack's usual."""
    return [captured, *(g for g in COMMON_GESTURES.get(source, ()) if g != captured)]
