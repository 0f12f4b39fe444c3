"""Names and attributes of the lifecycle events a station's event entity fires."""

from __future__ import annotations

from typing import Any

from .engine.effects import (
    AlertClosed,
    CannotMonitor,
    CountdownStarted,
    DoorOpened,
    Effect,
    Escalate,
    MonitoringRestored,
    MorePresses,
    OccupantOk,
    Paused,
    Prompt,
    PromptAnswered,
    ResponderAttending,
    Resumed,
    SendAlert,
)

_NAMES: dict[type[Effect], str] = {
    Prompt: "prompt",
    CountdownStarted: "countdown",
    PromptAnswered: "answered",
    SendAlert: "alert",
    MorePresses: "more_presses",
    OccupantOk: "occupant_ok",
    DoorOpened: "door_opened",
    ResponderAttending: "responder_attending",
    AlertClosed: "resolved",
    CannotMonitor: "cannot_monitor",
    MonitoringRestored: "monitoring_restored",
    Paused: "paused",
    Resumed: "resumed",
}

# Status updates from the dispatch service that have no engine effect of their own.
DISPATCH_STATUS_EVENTS = ["en_route", "on_scene", "dispatch_cancelled", "dispatch_failed"]

# A test alert's steps have types of their own, so that nothing reads a test as a real call
# for help: `test_alert`, `test_resolved`, ...
TEST_PREFIX = "test_"
TEST_STEPS = [
    "alert",
    "reminder",
    "fallback",
    "final",
    "occupant_ok",
    "door_opened",
    "responder_attending",
    "resolved",
    *DISPATCH_STATUS_EVENTS,
]

EVENT_TYPES = [
    *_NAMES.values(),
    "reminder",
    "fallback",
    "final",
    *DISPATCH_STATUS_EVENTS,
    *(TEST_PREFIX + step for step in TEST_STEPS),
]


def test_step(name: str) -> str:
    """The event type of a step of a test alert."""
    return TEST_PREFIX + name if name in TEST_STEPS else name


def step_of(name: str) -> tuple[str, bool]:
    """The step an event type names, and whether it is a test alert's."""
    step = name.removeprefix(TEST_PREFIX)
    return (step, True) if step != name and step in TEST_STEPS else (name, False)


def event_name(effect: Effect) -> str:
    """The event type for an effect."""
    if isinstance(effect, Escalate):
        return effect.step.value
    return _NAMES[type(effect)]


def event_attributes(effect: Effect) -> dict[str, Any]:
    """What the event entity shows: never location, contacts or plan notes."""
    attrs: dict[str, Any] = {"late": effect.late}
    for name in ("alert_key", "trigger", "reminder", "presses", "outcome", "sensor", "responder"):
        if (value := getattr(effect, name, None)) is not None:
            attrs[name] = value if isinstance(value, int) else str(value)
    if isinstance(effect, Paused):
        # When the pause ends by itself (None: when someone resumes it).
        attrs["until"] = effect.until.isoformat() if effect.until else None
    return attrs
