"""Buttons that show as no entity: read their presses from ZHA events and Zigbee2MQTT messages.

Pure functions, no Home Assistant imports: the listening is in devices/buttons.py.

A learned button is stored in a station's sensors section, one dict per button:
`{"source": "zha", "ieee": "a4:c1:38:...", "help": [...], "answer": [...],
"start_check_in": [...], "pause": [...]}` or the same with `"source": "mqtt", "topic":
"<base>/<name>"` (`pause` is stored only when set).
A gesture is what the stack names the press: a `zha_event`'s `command` (attribute reports
carry their value, e.g. `attribute_updated:2`), or Zigbee2MQTT's `action`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import re
from typing import Any, Final

import orjson

from .engine.events import PressAction

SOURCE_ZHA: Final = "zha"
SOURCE_MQTT: Final = "mqtt"
DEFAULT_BASE_TOPIC: Final = "zigbee2mqtt"
ACTION_SUFFIX: Final = "/action"
AVAILABILITY_SUFFIX: Final = "/availability"
_ATTRIBUTE_UPDATED = "attribute_updated"
# ASCII hex only: str.isdigit() and int() also take other scripts' digits.
_ZHA_IEEE = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){7}")
_BARE_IEEE = re.compile(r"(?:0x)?[0-9a-f]{16}")

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
    """An IEEE address in ZHA's form (`a4:c1:38:85:a8:b5:4c:d1`), or ValueError.

    Taken as ZHA spells it (eight colon-separated bytes), as Zigbee2MQTT does (`0x` and 16 hex
    digits, same byte order), or as 16 bare hex digits; any other length is refused, never cut.
    """
    text = value.strip().lower()
    if _ZHA_IEEE.fullmatch(text):
        digits = text.replace(":", "")
    elif _BARE_IEEE.fullmatch(text):
        digits = text.removeprefix("0x")
    else:
        raise ValueError(value)
    return ":".join(digits[i : i + 2] for i in range(0, 16, 2))


def _json(text: str) -> object:
    """A message's JSON value, or None when it is no JSON (orjson also refuses deep nesting)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


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
    if command == _ATTRIBUTE_UPDATED and isinstance(args, Mapping):
        value = args.get("value")
        # Aqara WXKG11LM: every gesture is an attribute report, told apart by its value.
        if isinstance(value, str | int | float):
            gesture = f"{command}:{value}"
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
        message = _json(text)
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
        message = _json(state)
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
    message = _json(text)
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
    pause: tuple[str, ...] = ()

    def action_for(self, gesture: str) -> PressAction | None:
        """What a gesture means; None for a gesture listed nowhere."""
        if gesture in self.help:
            return PressAction.HELP
        if gesture in self.answer:
            return PressAction.ANSWER
        if gesture in self.start_check_in:
            return PressAction.START_CHECK_IN
        if gesture in self.pause:
            return PressAction.PAUSE
        return None

    def as_dict(self) -> dict[str, Any]:
        """The stored form (a station's sensors section)."""
        where = "ieee" if self.source == SOURCE_ZHA else "topic"
        stored: dict[str, Any] = {
            "source": self.source,
            where: self.key,
            "help": list(self.help),
            "answer": list(self.answer),
            "start_check_in": list(self.start_check_in),
        }
        if self.pause:
            # Only when set: buttons learned before the pause gesture stay as they were.
            stored["pause"] = list(self.pause)
        return stored


def _gestures(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(g for g in value if isinstance(g, str) and g)


def learned_button(raw: object) -> LearnedButton | None:
    """A stored learned button, or None when it cannot be read."""
    if not isinstance(raw, Mapping):
        return None
    source = raw.get("source")
    if source == SOURCE_ZHA and isinstance(ieee := raw.get("ieee"), str):
        try:
            key = normalise_ieee(ieee)
        except ValueError:
            return None
    elif source == SOURCE_MQTT and isinstance(topic := raw.get("topic"), str):
        key = topic.strip("/")
    else:
        return None
    if not key:
        return None
    return LearnedButton(
        source=source,
        key=key,
        help=_gestures(raw.get("help")),
        answer=_gestures(raw.get("answer")),
        start_check_in=_gestures(raw.get("start_check_in")),
        pause=_gestures(raw.get("pause")),
    )


def learned_buttons(raw: object) -> tuple[LearnedButton, ...]:
    """The readable learned buttons of a station."""
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(b for item in raw if (b := learned_button(item)) is not None)


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
