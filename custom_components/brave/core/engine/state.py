"""A station's mutable state, and its JSON-safe snapshot for persistence across restarts."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from .effects import Trigger, Urgency


class Stage(StrEnum):
    """Where an escalation stands."""

    PROMPT = "prompt"
    COUNTDOWN = "countdown"
    ALERTED = "alerted"
    ACKNOWLEDGED = "acknowledged"


# Stages before the release point: the occupant can still stop it.
CANCELLABLE = frozenset({Stage.PROMPT, Stage.COUNTDOWN})


@dataclass(slots=True)
class Ladder:
    """One escalation, from the in-room prompt to the responder's outcome."""

    alert_key: str
    trigger: Trigger
    started_at: datetime
    stage: Stage
    deadline: datetime | None
    details: dict[str, int] = field(default_factory=dict)
    reminders: int = 0
    urgency: Urgency = Urgency.NORMAL
    presses: int = 0
    last_update: datetime | None = None
    responder: str | None = None
    # Location and contacts went out with the alert.
    released: bool = False
    # Presses counted when responders were last told, and whether a re-notification waits
    # for the rate limit.
    notified_presses: int = 0
    renotify_pending: bool = False


@dataclass(slots=True)
class StationState:
    """Everything a station remembers. Deadlines are absolute times."""

    # Room sensing.
    present: bool = False
    present_since: datetime | None = None
    presence_confirmed: bool = False
    door_open: bool = False
    moving: bool = False
    session_start: datetime | None = None
    still_since: datetime | None = None
    stillness_alerted: bool = False
    next_duration: datetime | None = None
    # Check-in sessions.
    check_in_active: bool = False
    next_prompt: datetime | None = None
    missed_check_ins: int = 0
    # The session's own interval in seconds ("check on me every ten minutes"); 0: the station's.
    check_in_every_s: int = 0
    # Escalation.
    ladder: Ladder | None = None
    alert_seq: int = 0
    # Alerts sent and not yet closed by a responder, oldest first.
    open_alerts: list[str] = field(default_factory=list)
    # Safety.
    paused: bool = False
    paused_until: datetime | None = None
    # When the pause began, and whether its end follows the auto-resume setting.
    paused_at: datetime | None = None
    pause_default: bool = False
    unavailable: set[str] = field(default_factory=set)
    cannot_monitor: set[str] = field(default_factory=set)


class InvalidStateError(ValueError):
    """A stored state that cannot be read back."""


# Stored times outside these were never written by a station; the engine adds timers to them.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def shift_times(state: StationState, delta: timedelta) -> None:
    """Move every time the state holds by delta (the wall clock was stepped).

    Every remaining wait keeps its length, so nothing fires early, late, twice or never.
    """

    def moved[T](value: T) -> T:
        return value + delta if isinstance(value, datetime) else value

    for f in fields(StationState):
        setattr(state, f.name, moved(getattr(state, f.name)))
    if (ladder := state.ladder) is not None:
        state.ladder = replace(
            ladder, **{f.name: moved(getattr(ladder, f.name)) for f in fields(Ladder)}
        )


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, Ladder):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(Ladder)}
    return value


def dump_state(state: StationState) -> dict[str, Any]:
    """Snapshot a state as JSON-safe data."""
    return {f.name: _dump(getattr(state, f.name)) for f in fields(StationState)}


class _Reader:
    """Typed reads from stored data; fields added since a record was written get defaults."""

    def __init__(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise InvalidStateError("not an object")
        self.data: dict[str, Any] = data

    def _get[T](self, key: str, kind: type[T], default: T) -> T:
        value = self.data.get(key, default)
        # bool is an int: a flag must not be read as a count, nor a count as a flag.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise InvalidStateError(f"{key}: {value!r}")
        return value

    def flag(self, key: str) -> bool:
        return self._get(key, bool, False)

    def count(self, key: str) -> int:
        value = self._get(key, int, 0)
        if value < 0:
            raise InvalidStateError(f"{key}: {value!r}")
        return value

    def text(self, key: str) -> str:
        return self._get(key, str, "")

    def time(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            when = datetime.fromisoformat(value)
        except (TypeError, ValueError) as err:
            raise InvalidStateError(f"{key}: {value!r}") from err
        if when.tzinfo is None:
            raise InvalidStateError(f"{key}: no time zone")
        if not _EARLIEST <= when <= _LATEST:
            raise InvalidStateError(f"{key}: {value!r}")
        return when

    def strings(self, key: str) -> list[str]:
        value = self._get(key, list, [])
        if not all(isinstance(item, str) for item in value):
            raise InvalidStateError(f"{key}: {value!r}")
        return list(value)


def _ladder(data: Any) -> Ladder | None:
    if data is None:
        return None
    r = _Reader(data)
    details = r.data.get("details", {})
    if not isinstance(details, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in details.items()
    ):
        raise InvalidStateError(f"details: {details!r}")
    started_at = r.time("started_at")
    if not (key := r.text("alert_key")) or started_at is None:
        raise InvalidStateError("a ladder needs its alert key and start")
    try:
        trigger, stage = Trigger(str(r.data.get("trigger"))), Stage(str(r.data.get("stage")))
        urgency = Urgency(str(r.data.get("urgency", Urgency.NORMAL)))
    except ValueError as err:
        raise InvalidStateError(str(err)) from err
    responder = r.data.get("responder")
    if responder is not None and not isinstance(responder, str):
        raise InvalidStateError(f"responder: {responder!r}")
    last_update = r.time("last_update")
    if last_update is None and (stage not in CANCELLABLE or r.flag("renotify_pending")):
        # An alert that went out always has the time responders were last told.
        raise InvalidStateError("an alert without the time it was told")
    return Ladder(
        alert_key=key,
        trigger=trigger,
        started_at=started_at,
        stage=stage,
        deadline=r.time("deadline"),
        details=dict(details),
        reminders=r.count("reminders"),
        urgency=urgency,
        presses=r.count("presses"),
        last_update=last_update,
        responder=responder,
        # Records from before this field: prompted alerts always released.
        released=r.flag("released")
        if "released" in r.data
        else stage not in CANCELLABLE and trigger in _PROMPTED_KINDS,
        notified_presses=r.count("notified_presses")
        if "notified_presses" in r.data
        else r.count("presses"),
        renotify_pending=r.flag("renotify_pending"),
    )


_PROMPTED_KINDS = frozenset({Trigger.STILLNESS, Trigger.DURATION, Trigger.MISSED_CHECK_IN})


def load_state(data: Any) -> StationState:
    """Rebuild a state from dump_state's output; raise InvalidStateError when it cannot.

    Besides each field's type, what the station relies on holds: an alert that went out is
    open until it is closed.
    """
    r = _Reader(data)
    state = StationState(
        present=r.flag("present"),
        present_since=r.time("present_since"),
        presence_confirmed=r.flag("presence_confirmed"),
        door_open=r.flag("door_open"),
        moving=r.flag("moving"),
        session_start=r.time("session_start"),
        still_since=r.time("still_since"),
        stillness_alerted=r.flag("stillness_alerted"),
        next_duration=r.time("next_duration"),
        check_in_active=r.flag("check_in_active"),
        next_prompt=r.time("next_prompt"),
        missed_check_ins=r.count("missed_check_ins"),
        check_in_every_s=r.count("check_in_every_s"),
        ladder=_ladder(r.data.get("ladder")),
        alert_seq=r.count("alert_seq"),
        open_alerts=r.strings("open_alerts"),
        paused=r.flag("paused"),
        paused_until=r.time("paused_until"),
        paused_at=r.time("paused_at"),
        pause_default=r.flag("pause_default"),
        unavailable=set(r.strings("unavailable")),
        cannot_monitor=set(r.strings("cannot_monitor")),
    )
    ladder = state.ladder
    if (
        ladder is not None
        and ladder.stage not in CANCELLABLE
        and ladder.alert_key not in state.open_alerts
    ):
        raise InvalidStateError("the alert in progress is not open")
    return state
