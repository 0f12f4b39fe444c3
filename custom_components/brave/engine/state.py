"""A station's mutable state, and its JSON-safe snapshot for persistence across restarts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    # Escalation.
    ladder: Ladder | None = None
    alert_seq: int = 0
    # Alerts sent and not yet closed by a responder, oldest first.
    open_alerts: list[str] = field(default_factory=list)
    # Safety.
    paused: bool = False
    paused_until: datetime | None = None
    unavailable: set[str] = field(default_factory=set)
    cannot_monitor: set[str] = field(default_factory=set)


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, Ladder):
        return {name: _dump(getattr(value, name)) for name in Ladder.__dataclass_fields__}
    return value


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def dump_state(state: StationState) -> dict[str, Any]:
    """Snapshot a state as JSON-safe data."""
    return {name: _dump(getattr(state, name)) for name in StationState.__dataclass_fields__}


def load_state(data: dict[str, Any]) -> StationState:
    """Rebuild a state from dump_state's output."""
    ladder = data.get("ladder")
    return StationState(
        present=data["present"],
        present_since=_time(data["present_since"]),
        presence_confirmed=data["presence_confirmed"],
        door_open=data["door_open"],
        moving=data["moving"],
        session_start=_time(data["session_start"]),
        still_since=_time(data["still_since"]),
        stillness_alerted=data["stillness_alerted"],
        next_duration=_time(data["next_duration"]),
        check_in_active=data["check_in_active"],
        next_prompt=_time(data["next_prompt"]),
        missed_check_ins=data["missed_check_ins"],
        ladder=None
        if ladder is None
        else Ladder(
            alert_key=ladder["alert_key"],
            trigger=Trigger(ladder["trigger"]),
            started_at=datetime.fromisoformat(ladder["started_at"]),
            stage=Stage(ladder["stage"]),
            deadline=_time(ladder["deadline"]),
            details=dict(ladder["details"]),
            reminders=ladder["reminders"],
            urgency=Urgency(ladder["urgency"]),
            presses=ladder["presses"],
            last_update=_time(ladder["last_update"]),
            responder=ladder["responder"],
        ),
        alert_seq=data["alert_seq"],
        open_alerts=list(data["open_alerts"]),
        paused=data["paused"],
        paused_until=_time(data["paused_until"]),
        unavailable=set(data["unavailable"]),
        cannot_monitor=set(data["cannot_monitor"]),
    )
