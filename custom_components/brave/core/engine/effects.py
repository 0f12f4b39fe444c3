"""Outputs of a station: what the shell must do. The engine performs none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .config import Contact, Location
from .events import Outcome


class Trigger(StrEnum):
    """Why an escalation started; the value is the dispatch contract's alert kind."""

    STILLNESS = "stillness"
    DURATION = "duration"
    HELP_REQUEST = "help_request"
    MISSED_CHECK_IN = "missed_check_in"
    TEST = "test"


class Urgency(StrEnum):
    """Alert urgency (contract values)."""

    NORMAL = "normal"
    URGENT = "urgent"


class Step(StrEnum):
    """Escalation steps after the alert."""

    REMINDER = "reminder"
    FALLBACK = "fallback"
    FINAL = "final"


@dataclass(frozen=True, slots=True)
class Effect:
    """Base of every output. `late` means its deadline passed while nothing was running."""

    at: datetime
    late: bool


@dataclass(frozen=True, slots=True)
class Prompt(Effect):
    """Ask in the room whether the occupant is okay."""

    trigger: Trigger
    answer_by: datetime


@dataclass(frozen=True, slots=True)
class CountdownStarted(Effect):
    """Tell the room help will be called unless someone answers."""

    trigger: Trigger
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class PromptAnswered(Effect):
    """The occupant answered a prompt or stopped the countdown: nobody is called."""

    trigger: Trigger


@dataclass(frozen=True, slots=True)
class SendAlert(Effect):
    """Call responders and the dispatch service.

    `location`, `contacts` and the rescue plan's `notes` are set only past the release point.
    """

    alert_key: str
    trigger: Trigger
    urgency: Urgency
    started_at: datetime
    details: dict[str, int]
    location: Location | None
    contacts: tuple[Contact, ...] | None
    call_emergency_services: bool
    notes: str | None


@dataclass(frozen=True, slots=True)
class Escalate(Effect):
    """A reminder, the fallback group's notice, or the final alert, for an open alert.

    The fallback notice and the final alert reach people who were not told before: past the
    release point they carry the location, contacts and notes as the alert did.
    """

    alert_key: str
    step: Step
    reminder: int
    location: Location | None = None
    contacts: tuple[Contact, ...] | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class MorePresses(Effect):
    """More presses on an open alert: it became urgent, or is re-notified."""

    alert_key: str
    urgency: Urgency
    presses: int


@dataclass(frozen=True, slots=True)
class OccupantOk(Effect):
    """The occupant said they are okay after the alert went out."""

    alert_key: str


@dataclass(frozen=True, slots=True)
class DoorOpened(Effect):
    """The door opened while an alert is open."""

    alert_key: str


@dataclass(frozen=True, slots=True)
class ResponderAttending(Effect):
    """The first responder owns the alert; tell the others."""

    alert_key: str
    responder: str


@dataclass(frozen=True, slots=True)
class AlertClosed(Effect):
    """A responder recorded the outcome."""

    alert_key: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Paused(Effect):
    """Monitoring is paused, until `until` (None: until someone resumes it)."""

    until: datetime | None


@dataclass(frozen=True, slots=True)
class Resumed(Effect):
    """Monitoring is back on (resumed by someone, or the pause ended by itself)."""


@dataclass(frozen=True, slots=True)
class CannotMonitor(Effect):
    """A bound sensor is gone during a session: tell staff and health contacts."""

    sensor: str


@dataclass(frozen=True, slots=True)
class MonitoringRestored(Effect):
    """The sensor behind a CannotMonitor is back."""

    sensor: str
