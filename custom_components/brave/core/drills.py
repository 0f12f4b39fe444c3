"""Button drills: which buttons to ask for, what was heard, and the report. Pure policy.

A drill asks the people in each room (and, if the site says so, staff) to press each button
within a window, listens, and reports which buttons were heard and which rooms did not answer.

The safety rule decides the design: a help gesture always calls for help. A drill never sees
a press before the station does and never changes what a press means: it only listens beside
the station. So a drill asks for a press that does not call for help (the station's answer
gesture, or any press on a station whose buttons do not call for help), hears every press of
a drilled button whatever its gesture, and a help press during a drill is a real call for help
that goes out as always. A button whose every press calls for help is not asked for a press;
the report lists it so that staff can check it with a test alert instead.

Stations busy with an alert or a check-in prompt, and paused stations, are left out: a drill
must never talk over a countdown, nor ask someone who paused monitoring to press anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from .engine.state import InvalidStateError
from .stations import Bindings

DEFAULT_WINDOW: Final = timedelta(minutes=15)
MIN_WINDOW: Final = timedelta(minutes=1)
MAX_WINDOW: Final = timedelta(hours=4)
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Ask(StrEnum):
    """What a drill asks of one button."""

    # The station's answer gesture: it never calls for help.
    GESTURE = "gesture"
    # Any press: the station's buttons do not call for help (no help-button mode).
    ANY = "any"
    # Every press of this button calls for help: not asked (check it with a test alert).
    NOT_ASKED = "not_asked"


class Skip(StrEnum):
    """Why a station was left out of a drill."""

    BUSY = "busy"  # an alert, a countdown or a check-in prompt was in progress
    PAUSED = "paused"  # the occupant paused monitoring
    NO_BUTTONS = "no_buttons"


class Result(StrEnum):
    """A drill's result, as the drill report sensor shows it."""

    RUNNING = "running"
    ALL_HEARD = "all_heard"
    SOME_NOT_HEARD = "some_not_heard"
    NOTHING_ASKED = "nothing_asked"


@dataclass(frozen=True, slots=True)
class DrillButton:
    """One button of a station and what the drill asks of it."""

    key: str  # an entity id, a ZHA IEEE address or a Zigbee2MQTT device topic
    ask: Ask
    gesture: str | None = None


def drill_buttons(bindings: Bindings, *, help_mode: bool) -> tuple[DrillButton, ...]:
    """What to ask of each of a station's buttons.

    On a station with the help-button mode only the answer gesture is safe to ask for; on one
    without it every press only answers (docs/drills-and-statistics.md, "Drills").
    """
    buttons: list[DrillButton] = []
    for entity_id in bindings.buttons:
        if not help_mode:
            buttons.append(DrillButton(entity_id, Ask.ANY, bindings.answer_gesture))
        elif bindings.answer_gesture is not None:
            buttons.append(DrillButton(entity_id, Ask.GESTURE, bindings.answer_gesture))
        else:
            buttons.append(DrillButton(entity_id, Ask.NOT_ASKED))
    for learned in bindings.learned_buttons:
        answer = learned.answer[0] if learned.answer else None
        if not help_mode:
            buttons.append(DrillButton(learned.key, Ask.ANY, answer))
        elif answer is not None:
            buttons.append(DrillButton(learned.key, Ask.GESTURE, answer))
        else:
            buttons.append(DrillButton(learned.key, Ask.NOT_ASKED))
    return tuple(buttons)


@dataclass(slots=True)
class ButtonResult:
    """One drilled button: what was asked and when it was first heard."""

    key: str
    ask: Ask
    gesture: str | None = None
    heard_at: datetime | None = None
    # A help press was heard from it: a real call for help went out.
    called_for_help: bool = False


@dataclass(slots=True)
class StationDrill:
    """One station in a drill."""

    station_id: str
    label: str
    buttons: dict[str, ButtonResult] = field(default_factory=dict)
    # Whether the room could be asked (the station has a speaker or a screen).
    asked_in_room: bool = False
    skipped: Skip | None = None

    @property
    def asked(self) -> list[ButtonResult]:
        """The buttons asked for a press."""
        if self.skipped is not None:
            return []
        return [b for b in self.buttons.values() if b.ask is not Ask.NOT_ASKED]

    @property
    def answered(self) -> bool:
        """Whether any button of the station was heard."""
        return any(b.heard_at is not None for b in self.buttons.values())


@dataclass(frozen=True, slots=True)
class StationPlan:
    """What a drill needs to know of a station when it starts."""

    station_id: str
    label: str
    buttons: tuple[DrillButton, ...]
    can_ask_in_room: bool
    busy: bool = False
    paused: bool = False


@dataclass(slots=True)
class Drill:
    """A drill in progress (or just finished)."""

    number: int
    started_at: datetime
    ends_at: datetime
    stations: dict[str, StationDrill] = field(default_factory=dict)

    @classmethod
    def start(
        cls, number: int, at: datetime, window: timedelta, plans: Iterable[StationPlan]
    ) -> Drill:
        """A drill of these stations from `at`, for `window`."""
        drill = cls(number, at, at + window)
        for plan in plans:
            skipped = (
                Skip.BUSY
                if plan.busy
                else Skip.PAUSED
                if plan.paused
                else Skip.NO_BUTTONS
                if not plan.buttons
                else None
            )
            drill.stations[plan.station_id] = StationDrill(
                plan.station_id,
                plan.label,
                {b.key: ButtonResult(b.key, b.ask, b.gesture) for b in plan.buttons},
                asked_in_room=plan.can_ask_in_room and skipped is None,
                skipped=skipped,
            )
        return drill

    def listening(self) -> dict[str, list[str]]:
        """The buttons to listen to, per station (skipped stations' too: a press is a press)."""
        return {sid: list(s.buttons) for sid, s in self.stations.items() if s.buttons}

    def hear(self, station_id: str, key: str, at: datetime, *, called_for_help: bool) -> bool:
        """A press of a drilled button; True when it is that button's first.

        Hearing changes nothing of what the press does: the station has it already.
        """
        station = self.stations.get(station_id)
        if station is None or (button := station.buttons.get(key)) is None:
            return False
        if called_for_help:
            button.called_for_help = True
        if button.heard_at is not None or not self.started_at <= at <= self.ends_at:
            return False
        button.heard_at = at
        return True

    @property
    def waiting(self) -> bool:
        """Whether a button asked for has not been heard yet."""
        return any(b.heard_at is None for station in self.stations.values() for b in station.asked)

    def report(self, at: datetime) -> DrillReport:
        """What the drill found, as of `at`."""
        stations = [
            StationOutcome(
                station_id=s.station_id,
                label=s.label,
                heard=[b.key for b in s.buttons.values() if b.heard_at is not None],
                not_heard=[b.key for b in s.asked if b.heard_at is None],
                not_asked=[b.key for b in s.buttons.values() if b.ask is Ask.NOT_ASKED],
                asked_in_room=s.asked_in_room,
                prompt_unanswered=s.asked_in_room and not s.answered,
                skipped=s.skipped,
                help_called=any(b.called_for_help for b in s.buttons.values()),
            )
            for s in sorted(self.stations.values(), key=lambda s: s.label)
        ]
        return DrillReport(self.number, self.started_at, self.ends_at, at, stations)

    # -- persistence ---------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """JSON-safe data for the site's drill store."""
        return {
            "number": self.number,
            "started_at": self.started_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "stations": [
                {
                    "station_id": s.station_id,
                    "label": s.label,
                    "asked_in_room": s.asked_in_room,
                    "skipped": s.skipped,
                    "buttons": [
                        {
                            "key": b.key,
                            "ask": b.ask,
                            "gesture": b.gesture,
                            "heard_at": b.heard_at.isoformat() if b.heard_at else None,
                            "called_for_help": b.called_for_help,
                        }
                        for b in s.buttons.values()
                    ],
                }
                for s in self.stations.values()
            ],
        }

    @classmethod
    def load(cls, data: Any) -> Drill:
        """Read dump()'s output back; InvalidStateError when it cannot be."""
        if not isinstance(data, dict) or not isinstance(number := data.get("number"), int):
            raise InvalidStateError("not a drill")
        drill = cls(number, _time(data.get("started_at")), _time(data.get("ends_at")))
        for raw in _list(data.get("stations")):
            if not isinstance(raw, dict):
                raise InvalidStateError("not a station")
            skipped = raw.get("skipped")
            station = StationDrill(
                _text(raw.get("station_id")),
                _text(raw.get("label")),
                asked_in_room=raw.get("asked_in_room") is True,
                skipped=None if skipped is None else Skip(_text(skipped)),
            )
            for button in _list(raw.get("buttons")):
                if not isinstance(button, dict):
                    raise InvalidStateError("not a button")
                heard = button.get("heard_at")
                gesture = button.get("gesture")
                result = ButtonResult(
                    _text(button.get("key")),
                    Ask(_text(button.get("ask"))),
                    gesture if isinstance(gesture, str) else None,
                    None if heard is None else _time(heard),
                    button.get("called_for_help") is True,
                )
                station.buttons[result.key] = result
            drill.stations[station.station_id] = station
        return drill


def _time(value: Any) -> datetime:
    when = datetime.fromisoformat(_text(value))
    if when.tzinfo is None:
        raise InvalidStateError("a time without its time zone")
    return when


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidStateError(f"not a text: {value!r}")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidStateError(f"not a list: {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class StationOutcome:
    """What a drill found at one station."""

    station_id: str
    label: str
    heard: list[str]
    not_heard: list[str]
    not_asked: list[str]
    asked_in_room: bool
    # The room was asked and no button of it answered.
    prompt_unanswered: bool
    skipped: Skip | None
    # A help press was heard during the drill: it went out as a real call for help.
    help_called: bool


@dataclass(frozen=True, slots=True)
class DrillReport:
    """A drill's findings."""

    number: int
    started_at: datetime
    ends_at: datetime
    at: datetime
    stations: list[StationOutcome]

    @property
    def asked(self) -> int:
        """Buttons asked for a press."""
        return sum(len(s.heard) + len(s.not_heard) for s in self._asked_stations)

    @property
    def heard(self) -> int:
        """Buttons asked for and heard."""
        return sum(len(s.heard) for s in self._asked_stations)

    @property
    def _asked_stations(self) -> list[StationOutcome]:
        return [s for s in self.stations if s.skipped is None]

    @property
    def result(self) -> Result:
        """All heard, some not heard, or nothing asked."""
        if self.asked == 0:
            return Result.NOTHING_ASKED
        return Result.ALL_HEARD if self.heard == self.asked else Result.SOME_NOT_HEARD

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe, for the service response, the report sensor, the event and the store."""
        return {
            "number": self.number,
            "result": self.result.value,
            "started_at": self.started_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "reported_at": self.at.isoformat(),
            "buttons_asked": self.asked,
            "buttons_heard": self.heard,
            "prompts_unanswered": sum(s.prompt_unanswered for s in self.stations),
            "stations": [
                {
                    "station_id": s.station_id,
                    "label": s.label,
                    "heard": s.heard,
                    "not_heard": s.not_heard,
                    "not_asked": s.not_asked,
                    "asked_in_room": s.asked_in_room,
                    "prompt_unanswered": s.prompt_unanswered,
                    "skipped": None if s.skipped is None else s.skipped.value,
                    "help_called": s.help_called,
                }
                for s in self.stations
            ],
        }


class InvalidScheduleError(ValueError):
    """A drill schedule could not be read."""


@dataclass(frozen=True, slots=True)
class DrillSchedule:
    """When drills run by themselves: some weekdays at a time of day (the site's time zone)."""

    days: frozenset[int]  # 0 is Monday
    at: time
    window: timedelta = DEFAULT_WINDOW

    @classmethod
    def read(
        cls, days: Iterable[str], at: str | None, window_minutes: float | None
    ) -> DrillSchedule | None:
        """From the site's options; None when no days are chosen (no scheduled drills)."""
        chosen = list(days)
        window = DEFAULT_WINDOW if window_minutes is None else timedelta(minutes=window_minutes)
        if not MIN_WINDOW <= window <= MAX_WINDOW:
            raise InvalidScheduleError(f"window: {window_minutes!r}")
        if not chosen:
            return None
        try:
            numbers = frozenset(WEEKDAYS.index(day) for day in chosen)
            when = time.fromisoformat(at or "")
        except ValueError as err:
            raise InvalidScheduleError(f"{chosen!r} at {at!r}") from err
        return cls(numbers, when.replace(tzinfo=None), window)

    def next_start(self, after: datetime) -> datetime:
        """The first start strictly after `after` (an aware time in the site's time zone).

        Built as a wall-clock time on each day, so a change to or from summer time keeps the
        drill at its hour.
        """
        for offset in range(8):
            day = after.date() + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            start = datetime.combine(day, self.at, tzinfo=after.tzinfo)
            if start > after:
                return start
        raise AssertionError("a weekly schedule always has a next start")  # pragma: no cover
