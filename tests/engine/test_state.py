"""Persistence: a station restored from its JSON snapshot carries on exactly where it stopped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
import json

import pytest

from custom_components.brave.core.engine.config import StationConfig
from custom_components.brave.core.engine.effects import (
    AlertClosed,
    CountdownStarted,
    Escalate,
    SendAlert,
    Step,
    Trigger,
)
from custom_components.brave.core.engine.events import (
    Acknowledged,
    Event,
    ImOk,
    MotionChanged,
    Outcome,
    Pause,
    PresenceChanged,
    Pressed,
    Resolved,
    SensorAvailability,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.state import Stage, StationState, dump_state, load_state
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import RELEASED, STATION_ID, T0, feed, make_config, run_until, sec

# Default check-in timeline for a session started at T0.
PROMPT_AT, COUNTDOWN_AT, ALERT_AT = T0 + sec(300), T0 + sec(360), T0 + sec(380)
R = 120


def through_json(state: StationState) -> StationState:
    """What a restart sees: the snapshot written as JSON and read back."""
    return load_state(json.loads(json.dumps(dump_state(state))))


def restored(station: Station) -> Station:
    """A new station built from the snapshot of `station`, as after a restart."""
    return Station(station.config, through_json(station.state))


def build(config: StationConfig, events: list[Event], until: datetime) -> Station:
    """A station fed `events`, then ticked through every deadline up to `until`."""
    station = Station(config)
    feed(station, *events)
    run_until(station, until)
    return station


def test_fresh_state_round_trips() -> None:
    data = dump_state(StationState())
    assert set(data) == {f.name for f in fields(StationState)}
    assert load_state(json.loads(json.dumps(data))) == StationState()


def test_busy_state_round_trips_through_json() -> None:
    station = Station(make_config(room_sensing=True, has_motion=True, has_door=True))
    feed(
        station,
        PresenceChanged(T0, present=True),
        MotionChanged(T0 + sec(1), moving=False),
    )
    run_until(station, T0 + sec(3))
    feed(
        station,
        StartCheckIn(T0 + sec(4)),
        SensorAvailability(T0 + sec(5), "binary_sensor.radar", available=False),
        SensorAvailability(T0 + sec(5), "binary_sensor.door", available=False),
        Pressed(T0 + sec(6)),
        Pressed(T0 + sec(7)),
        Acknowledged(T0 + sec(8), f"{STATION_ID}-1", "responder-a"),
        Pause(T0 + sec(9), until=T0 + sec(900)),
    )
    state = station.state
    assert state.ladder is not None
    assert state.ladder.stage is Stage.ACKNOWLEDGED
    assert state.ladder.details == {"presses": 2}
    assert state.open_alerts == [f"{STATION_ID}-1"]

    data = dump_state(state)
    # JSON-native: nothing changes on the way through json.
    assert json.loads(json.dumps(data)) == data
    assert data["unavailable"] == ["binary_sensor.door", "binary_sensor.radar"]
    assert data["open_alerts"] == [f"{STATION_ID}-1"]
    assert through_json(state) == state


def test_times_keep_their_offset() -> None:
    pacific = timezone(timedelta(hours=-8))
    station = Station(make_config())
    feed(station, StartCheckIn(datetime(2026, 11, 27, 4, 0, tzinfo=pacific)))
    state = through_json(station.state)
    assert state == station.state
    assert state.next_prompt is not None
    assert state.next_prompt.utcoffset() == timedelta(hours=-8)


# Scenarios a restart can interrupt: a config, the inputs so far, and when the snapshot is taken.
type Scenario = Callable[[], Station]


def mid_prompt() -> Station:
    return build(make_config(), [StartCheckIn(T0)], PROMPT_AT + sec(10))


def mid_countdown() -> Station:
    return build(make_config(), [StartCheckIn(T0)], COUNTDOWN_AT + sec(5))


def mid_reminders() -> Station:
    return build(make_config(), [StartCheckIn(T0)], ALERT_AT + sec(R + 5))


def mid_room_session() -> Station:
    config = make_config(room_sensing=True, has_door=True, check_in=False)
    return build(config, [PresenceChanged(T0, present=True)], T0 + sec(100))


def mid_room_prompt() -> Station:
    config = make_config(room_sensing=True, has_door=True, check_in=False)
    return build(config, [PresenceChanged(T0, present=True)], T0 + sec(3 + 180 + 10))


def acknowledged() -> Station:
    station = build(make_config(), [StartCheckIn(T0), Pressed(T0 + sec(5))], T0 + sec(5))
    feed(station, Acknowledged(T0 + sec(10), f"{STATION_ID}-1", "responder-a"))
    return station


def paused_until() -> Station:
    return build(
        make_config(room_sensing=True),
        [PresenceChanged(T0, present=True), Pause(T0 + sec(30), until=T0 + sec(600))],
        T0 + sec(40),
    )


def two_open_alerts() -> Station:
    # A help request the occupant said they were okay after, then a second one.
    events: list[Event] = [Pressed(T0), ImOk(T0 + sec(20)), Pressed(T0 + sec(30))]
    return build(make_config(), events, T0 + sec(40))


SCENARIOS: list[Scenario] = [
    mid_prompt,
    mid_countdown,
    mid_reminders,
    mid_room_session,
    mid_room_prompt,
    acknowledged,
    paused_until,
    two_open_alerts,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_restored_station_continues_exactly_like_its_twin(scenario: Scenario) -> None:
    twin = scenario()
    copy = restored(twin)
    assert copy.state == twin.state
    assert copy.next_deadline == twin.next_deadline
    assert copy.phase is twin.phase

    horizon = T0 + sec(4 * 3600)
    assert run_until(copy, horizon) == run_until(twin, horizon)
    assert copy.state == twin.state
    assert copy.next_deadline == twin.next_deadline
    assert copy.phase is twin.phase


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_restored_station_answers_inputs_like_its_twin(scenario: Scenario) -> None:
    twin = scenario()
    copy = restored(twin)
    # Every snapshot is taken before T0+700; some deadlines are overdue by the first input.
    inputs: list[Event] = [
        ImOk(T0 + sec(1000)),
        Pressed(T0 + sec(1001)),
        Pressed(T0 + sec(1002)),
        Tick(T0 + sec(5000)),
    ]
    assert feed(copy, *inputs) == feed(twin, *inputs)
    assert copy.state == twin.state


def test_restored_mid_countdown_restarts_the_countdown_it_missed() -> None:
    copy = restored(mid_countdown())
    back = ALERT_AT + sec(600)
    # Nothing is released unheard: the occupant gets the whole countdown from the return.
    assert copy.handle(Tick(back)) == [
        CountdownStarted(back, True, Trigger.MISSED_CHECK_IN, back + sec(20))
    ]
    assert copy.phase is Phase.COUNTDOWN
    assert copy.state.open_alerts == []
    (alert,) = run_until(copy, back + sec(20))
    assert isinstance(alert, SendAlert)
    assert (alert.at, alert.late) == (back + sec(20), False)


def test_restored_mid_countdown_back_within_seconds_releases_at_its_time() -> None:
    twin = mid_countdown()
    copy = restored(twin)
    back = ALERT_AT + sec(5)
    on_time = run_until(twin, back)
    assert copy.handle(Tick(back)) == [replace(e, late=True) for e in on_time]
    assert [(type(e).__name__, e.at) for e in on_time] == [("SendAlert", ALERT_AT)]
    assert copy.state == twin.state


def test_restored_after_the_alert_fires_overdue_steps_in_order_marked_late() -> None:
    twin = build(make_config(), [StartCheckIn(T0)], ALERT_AT + sec(5))
    copy = restored(twin)
    back = ALERT_AT + sec(600)

    on_time = run_until(twin, back)
    after_outage = copy.handle(Tick(back))
    assert [type(e).__name__ for e in after_outage] == ["Escalate"] * 4
    # The same effects at the same times, in the same order; only `late` differs.
    assert after_outage == [replace(e, late=True) for e in on_time]
    assert all(e.late for e in after_outage)
    times = [e.at for e in after_outage]
    assert times == sorted(times)
    assert times[0] == ALERT_AT + sec(R)
    assert copy.next_deadline is None
    assert copy.state == twin.state


def test_restored_mid_reminders_fires_only_what_is_overdue() -> None:
    copy = restored(mid_reminders())
    back = ALERT_AT + sec(2 * R + 30)
    key = f"{STATION_ID}-1"
    assert copy.handle(Tick(back)) == [
        Escalate(ALERT_AT + sec(2 * R), True, key, Step.REMINDER, 2),
        Escalate(ALERT_AT + sec(2 * R), True, key, Step.FALLBACK, 2, **RELEASED),
    ]
    assert copy.next_deadline == ALERT_AT + sec(3 * R)
    assert run_until(copy, ALERT_AT + sec(3 * R)) == [
        Escalate(ALERT_AT + sec(3 * R), False, key, Step.FINAL, 3, **RELEASED)
    ]


def test_restored_prompt_after_an_outage_gives_the_countdown_from_the_return() -> None:
    copy = restored(mid_room_prompt())
    back = T0 + sec(3600)
    # The prompt was heard; its countdown was not: it starts now, in full.
    assert copy.handle(Tick(back)) == [
        CountdownStarted(back, True, Trigger.STILLNESS, back + sec(20))
    ]
    assert copy.phase is Phase.COUNTDOWN
    (alert,) = run_until(copy, back + sec(20))
    assert isinstance(alert, SendAlert)
    assert (alert.at, alert.late, alert.trigger) == (back + sec(20), False, Trigger.STILLNESS)


def test_restored_station_can_still_close_its_older_open_alert() -> None:
    copy = restored(two_open_alerts())
    first, second = f"{STATION_ID}-1", f"{STATION_ID}-2"
    assert copy.state.open_alerts == [first, second]
    closed = T0 + sec(50)
    assert feed(copy, Resolved(closed, first, Outcome.OCCUPANT_OK)) == [
        AlertClosed(closed, False, first, Outcome.OCCUPANT_OK)
    ]
    assert copy.state.open_alerts == [second]
    assert copy.phase is Phase.ALERT


def test_restored_pause_ends_on_time() -> None:
    copy = restored(paused_until())
    assert copy.phase is Phase.PAUSED
    assert copy.next_deadline == T0 + sec(600)
    run_until(copy, T0 + sec(600))
    assert copy.phase is Phase.OCCUPIED


def test_restored_station_keeps_alert_keys_unique() -> None:
    twin = mid_reminders()
    copy = restored(twin)
    feed(copy, ImOk(ALERT_AT + sec(R + 10)))
    (alert,) = [e for e in feed(copy, Pressed(ALERT_AT + sec(R + 20))) if isinstance(e, SendAlert)]
    assert alert.alert_key == f"{STATION_ID}-2"
