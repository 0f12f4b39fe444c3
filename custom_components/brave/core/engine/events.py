"""Inputs to a station. Each carries the time it happened; the engine never reads a clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .config import StationConfig


class PressAction(StrEnum):
    """What a button gesture is configured to mean.

    A help gesture always calls for help, even during a prompt. Any other gesture (and any
    press on a station without the help-button mode) answers a prompt. A pause gesture pauses
    monitoring, or resumes it while paused.
    """

    HELP = "help"
    ANSWER = "answer"
    START_CHECK_IN = "start_check_in"
    PAUSE = "pause"


class Outcome(StrEnum):
    """How a responder closed an alert (Brave's survey outcomes)."""

    OVERDOSE = "overdose"
    EMERGENCY = "emergency"
    MEDICAL = "medical"
    OCCUPANT_OK = "occupant_ok"
    SPACE_EMPTY = "space_empty"
    SAFER_USE = "safer_use"
    CONFLICT = "conflict"
    TEST = "test"
    TECHNICAL_ISSUE = "technical_issue"
    OTHER = "other"


# Outcomes after which the room or check-in session is over.
ENDING_OUTCOMES = frozenset(
    {Outcome.OVERDOSE, Outcome.EMERGENCY, Outcome.MEDICAL, Outcome.SPACE_EMPTY}
)


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every input."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Tick(Event):
    """Time has reached `at` (the station's next deadline, or later after an outage)."""


@dataclass(frozen=True, slots=True)
class PresenceChanged(Event):
    """The radar sees someone, or no longer does."""

    present: bool


@dataclass(frozen=True, slots=True)
class MotionChanged(Event):
    """The radar's movement state: moving, or present and still."""

    moving: bool


@dataclass(frozen=True, slots=True)
class DoorChanged(Event):
    """The door contact opened or closed."""

    open: bool


@dataclass(frozen=True, slots=True)
class Pressed(Event):
    """A button press with the meaning its gesture is configured for."""

    action: PressAction = PressAction.HELP


@dataclass(frozen=True, slots=True)
class ImOk(Event):
    """The occupant said they are okay (dashboard, voice, service)."""


@dataclass(frozen=True, slots=True)
class AskedForHelp(Event):
    """The occupant asked for help in words (voice): a help request whatever the button modes."""


@dataclass(frozen=True, slots=True)
class StartCheckIn(Event):
    """Begin a check-in session, at the station's interval or one of its own.

    With an interval during a session, the session takes it and the next prompt is that far
    from now.
    """

    interval: timedelta | None = None


@dataclass(frozen=True, slots=True)
class EndCheckIn(Event):
    """End the check-in session."""


@dataclass(frozen=True, slots=True)
class Acknowledged(Event):
    """A responder took the alert."""

    alert_key: str
    responder: str


@dataclass(frozen=True, slots=True)
class Resolved(Event):
    """A responder recorded the outcome."""

    alert_key: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class SensorAvailability(Event):
    """A bound sensor became unavailable, or came back."""

    sensor: str
    available: bool


@dataclass(frozen=True, slots=True)
class Pause(Event):
    """Someone paused monitoring, until a time, or for the station's auto-resume time."""

    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Resume(Event):
    """Monitoring resumes."""


@dataclass(frozen=True, slots=True)
class SendTest(Event):
    """Send a test alert along the whole path."""


@dataclass(frozen=True, slots=True)
class Reconfigured(Event):
    """The station's settings changed: every pending step is planned again at once."""

    config: StationConfig
