"""The escalation ladder of each monitoring mode, step by step, and what people hear of it.

Shared by the restart and crash tests: a run records every message to a responder and every
event the dispatch service receives, with its time from the start of the run, across as many
Home Assistant instances as the run goes through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.util import dt as dt_util

from custom_components.brave.const import DOMAIN

from ..conftest import BUTTON, DOOR, MOTION, PRESENCE, RunningServer, station_data
from ..helpers import advance, device_id, entity_id

SAM, RILEY, FALLBACK = "Sam", "+15555550111", "+15555550199"
OPTIONS = {
    "first_responders": f"Sam = notify.mobile_app_sam\nRiley = notify.sms:{RILEY}",
    "fallback": f"Fallback = notify.sms:{FALLBACK}",
}

# How each responder message begins (Room 1's, in English), most specific first.
_KINDS = (
    ("not answering", "dispatch_down"),
    ("needs a SAFETY CHECK and nobody", "fallback"),
    ("needs a SAFETY CHECK (", "alert"),
    ("Reminder:", "reminder"),
    ("FINAL alert", "final"),
    ("pressed for help again", "urgent"),
    ("is attending", "attending"),
    ("How did it go", "survey"),
    ("says they are okay", "occupant_ok"),
    (": closed (", "closed"),
)


def message_kind(message: str) -> str:
    """Which responder message a text is."""
    return next(kind for start, kind in _KINDS if start in message)


@dataclass(slots=True)
class Record:
    """What left Home Assistant during one run, by seconds from its start."""

    start: datetime = field(default_factory=dt_util.utcnow)
    # (seconds, recipient, message kind)
    told: list[tuple[float, str, str]] = field(default_factory=list)
    # (seconds, what was said in the room)
    said: list[tuple[float, str]] = field(default_factory=list)

    def seconds(self, at: datetime | None = None) -> float:
        """Seconds since the start of the run."""
        return round(((at or dt_util.utcnow()) - self.start).total_seconds(), 3)

    def prepare(self, hass: HomeAssistant) -> None:
        """Give an instance the responders' phones and the room's speaker, all recording."""

        @callback
        def notify(call: ServiceCall) -> None:
            who = SAM if call.service == "mobile_app_sam" else call.data["target"][0]
            self.told.append((self.seconds(), who, message_kind(str(call.data["message"]))))

        @callback
        def speak(call: ServiceCall) -> None:
            self.said.append((self.seconds(), str(call.data["message"])))

        hass.services.async_register("notify", "mobile_app_sam", notify)
        hass.services.async_register("notify", "sms", notify)
        hass.services.async_register("tts", "speak", speak)

    def to(self, who: str) -> list[tuple[float, str]]:
        """What one responder was told, and when."""
        return [(at, kind) for at, recipient, kind in self.told if recipient == who]

    def events(self, server: RunningServer) -> list[tuple[float, str]]:
        """The dispatch service's alert and events, each with the time it describes."""
        [stored] = server.store.alerts.values()
        found = [(self.seconds(datetime.fromisoformat(stored.alert["created_at"])), "alert")]
        for event in stored.events:
            at = self.seconds(datetime.fromisoformat(event["at"]))
            found.append((at, event.get("note") or event["type"]))
        return found


type Action = Callable[[HomeAssistant, FrozenDateTimeFactory], Awaitable[None]]


def _wait(seconds: float) -> Action:
    async def act(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        await advance(hass, freezer, seconds)

    return act


def _button(key: str) -> Action:
    async def act(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        await hass.services.async_call(
            "button", "press", {"entity_id": entity_id(hass, "button", key)}, blocking=True
        )
        await hass.async_block_till_done()

    return act


def _service(name: str, **data: str) -> Action:
    async def act(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        await hass.services.async_call(
            DOMAIN, name, {"station": device_id(hass), **data}, blocking=True
        )
        await hass.async_block_till_done()

    return act


async def _help_press(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": "single"})
    await hass.async_block_till_done()


async def _occupy(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)


@dataclass(frozen=True, slots=True)
class Mode:
    """A monitoring mode: its station, the room's devices, how it starts, and its ladder."""

    name: str
    data: dict[str, Any]
    states: dict[str, str]
    begin: Action
    # The first step is reached from `begin`; each next one from the one before.
    steps: tuple[tuple[str, Action], ...]
    # Seconds from the start of the run to the alert.
    alert_at: float

    def room(self, hass: HomeAssistant, now_in: HomeAssistant | None = None) -> None:
        """The room's devices at the start, or as they are now in another instance."""
        for entity, state in self.states.items():
            current = now_in.states.get(entity) if now_in is not None else None
            if current is None:
                hass.states.async_set(entity, state)
            else:
                hass.states.async_set(entity, current.state, current.attributes)


_AFTER_ALERT: tuple[tuple[str, Action], ...] = (
    ("reminder 1", _wait(120)),
    ("reminder 2 and fallback", _wait(120)),
    ("final", _wait(120)),
    ("acknowledged", _service("acknowledge", responder=SAM)),
    ("occupant okay", _button("im_ok")),
    ("resolved", _service("resolve", outcome="medical")),
)

CHECK_IN = Mode(
    name="check-in",
    data=station_data(),
    states={BUTTON: "unknown"},
    begin=_button("start_check_in"),
    steps=(
        ("prompt", _wait(300)),
        ("countdown", _wait(60)),
        ("release point", _wait(20)),
        *_AFTER_ALERT,
    ),
    alert_at=380,
)
ROOM = Mode(
    name="room sensing",
    data=station_data(room_sensing=True, door=True, motion=True),
    states={BUTTON: "unknown", DOOR: "on", PRESENCE: "off", MOTION: "still"},
    begin=_occupy,
    steps=(
        ("prompt", _wait(180)),
        ("countdown", _wait(60)),
        ("release point", _wait(20)),
        *_AFTER_ALERT,
    ),
    alert_at=263,
)
HELP = Mode(
    name="help button",
    data=station_data(),
    states={BUTTON: "unknown"},
    begin=_wait(0),
    steps=(("release point", _help_press), *_AFTER_ALERT),
    alert_at=0,
)
MODES = (CHECK_IN, ROOM, HELP)


def expected_told(alert_at: float) -> dict[str, list[tuple[float, str]]]:
    """What each responder hears of a ladder run to its end, once each (docs/dispatch.md)."""
    reminder_1, reminder_2, final = alert_at + 120, alert_at + 240, alert_at + 360
    return {
        SAM: [
            (alert_at, "alert"),
            (reminder_1, "reminder"),
            (reminder_2, "reminder"),
            (final, "final"),
            (final, "survey"),
            (final, "occupant_ok"),
            (final, "closed"),
        ],
        RILEY: [
            (alert_at, "alert"),
            (reminder_1, "reminder"),
            (reminder_2, "reminder"),
            (final, "final"),
            (final, "attending"),
            (final, "occupant_ok"),
            (final, "closed"),
        ],
        FALLBACK: [
            (reminder_2, "fallback"),
            (final, "final"),
            (final, "attending"),
            (final, "occupant_ok"),
            (final, "closed"),
        ],
    }


def expected_events(alert_at: float) -> list[tuple[float, str]]:
    """The alert and its events at the dispatch service, once each."""
    return [
        (alert_at, "alert"),
        (alert_at + 120, "reminder 1"),
        (alert_at + 240, "reminder 2"),
        (alert_at + 240, "fallback 2"),
        (alert_at + 360, "final 3"),
        (alert_at + 360, "occupant_ok"),
        (alert_at + 360, "resolved"),
    ]
