"""Pause and resume, sensors that disappear, and the phase a station shows."""

from __future__ import annotations

import pytest

from custom_components.brave.core.engine.config import Timers
from custom_components.brave.core.engine.effects import (
    CannotMonitor,
    Escalate,
    MonitoringRestored,
    Paused,
    Prompt,
    PromptAnswered,
    Resumed,
    SendAlert,
    Trigger,
)
from custom_components.brave.core.engine.events import (
    Acknowledged,
    ImOk,
    MotionChanged,
    Pause,
    PresenceChanged,
    Pressed,
    Resume,
    SensorAvailability,
    StartCheckIn,
)
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import T0, feed, make_station, only, run_until, sec, tick_next

RADAR, DOOR = "binary_sensor.radar_occupancy", "binary_sensor.door_contact"
STILLNESS, DURATION, INTERVAL = 180, 1200, 300
S = T0 + sec(3)


def occupied(**overrides: object) -> Station:
    """A room-sensing station with a session from S."""
    station = make_station(room_sensing=True, **overrides)
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, S)
    assert station.phase is Phase.OCCUPIED
    return station


# -- pause and resume ----------------------------------------------------------------------


def test_pause_without_end_holds_every_monitoring_timer() -> None:
    # Auto-resume off: a pause with no end of its own lasts until someone resumes.
    station = occupied(auto_resume=sec(0))
    feed(station, StartCheckIn(S))
    assert feed(station, Pause(S + sec(10))) == [Paused(S + sec(10), False, None)]
    assert station.phase is Phase.PAUSED
    assert station.next_deadline is None
    assert run_until(station, S + sec(10 * DURATION)) == []


@pytest.mark.parametrize("stage", [Phase.PROMPTING, Phase.COUNTDOWN])
def test_pause_answers_an_open_prompt(stage: Phase) -> None:
    station = occupied(auto_resume=sec(0))
    run_until(station, S + sec(STILLNESS))
    if stage is Phase.COUNTDOWN:
        tick_next(station)
    assert station.phase is stage
    deadline = station.next_deadline
    assert deadline is not None
    paused = deadline - sec(1)
    assert feed(station, Pause(paused)) == [
        PromptAnswered(paused, False, Trigger.STILLNESS),
        Paused(paused, False, None),
    ]
    assert station.phase is Phase.PAUSED
    assert station.next_deadline is None


def test_pause_until_resumes_by_itself_and_rearms_from_then() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    until = T0 + sec(600)
    assert feed(station, Pause(T0 + sec(10), until=until)) == [Paused(T0 + sec(10), False, until)]
    assert station.phase is Phase.PAUSED
    assert station.next_deadline == until

    # The pause ends by itself, and says so.
    assert tick_next(station) == [Resumed(until, False)]
    assert station.phase is Phase.CHECK_IN
    assert station.state.paused_until is None
    assert station.next_deadline == until + sec(INTERVAL)


def test_a_new_pause_replaces_the_end_of_the_last() -> None:
    station = make_station(auto_resume=sec(0))
    feed(station, Pause(T0, until=T0 + sec(600)), Pause(T0 + sec(5)))
    assert station.next_deadline is None
    feed(station, Pause(T0 + sec(6), until=T0 + sec(60)))
    assert station.next_deadline == T0 + sec(60)


def test_resume_rearms_stillness_and_moves_an_overdue_duration() -> None:
    station = occupied()
    feed(station, Pause(S + sec(10)))
    resumed = S + sec(DURATION + 300)
    assert feed(station, Resume(resumed)) == [Resumed(resumed, False)]
    assert station.phase is Phase.OCCUPIED
    assert station.state.next_duration == resumed + sec(DURATION)
    assert station.next_deadline == resumed + sec(STILLNESS)


def test_resume_keeps_a_duration_that_is_still_ahead() -> None:
    station = occupied(has_motion=True)
    feed(station, MotionChanged(S, moving=True), Pause(S + sec(10)), Resume(S + sec(100)))
    assert station.state.next_duration == S + sec(DURATION)
    assert station.next_deadline == S + sec(DURATION)


def test_resume_when_not_paused_changes_nothing() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    assert feed(station, Resume(T0 + sec(100))) == []
    assert station.next_deadline == T0 + sec(INTERVAL)


def test_pause_does_not_stop_an_alert_already_sent() -> None:
    station = make_station()
    (alert,) = feed(station, Pressed(T0))
    assert isinstance(alert, SendAlert)
    assert feed(station, Pause(T0 + sec(10))) == [
        Paused(T0 + sec(10), False, T0 + sec(10) + Timers().auto_resume)
    ]
    assert station.phase is Phase.ALERT
    assert len(only(run_until(station, T0 + sec(3600)), Escalate)) == 4


@pytest.mark.parametrize("ended", [30, 60], ids=["before", "at"])
def test_pause_whose_end_already_passed_is_ignored(ended: int) -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    assert feed(station, Pause(T0 + sec(60), until=T0 + sec(ended))) == []
    assert station.phase is Phase.CHECK_IN
    assert not station.state.paused
    assert station.state.paused_until is None
    assert station.next_deadline == T0 + sec(INTERVAL)


def test_pause_whose_end_already_passed_does_not_answer_a_prompt() -> None:
    station = occupied()
    run_until(station, S + sec(STILLNESS))
    assert station.phase is Phase.PROMPTING
    at = S + sec(STILLNESS + 10)
    assert feed(station, Pause(at, until=at)) == []
    assert station.phase is Phase.PROMPTING
    assert station.next_deadline == S + sec(STILLNESS + 60)


def test_pause_whose_end_already_passed_leaves_an_earlier_pause_alone() -> None:
    station = make_station()
    feed(station, Pause(T0, until=T0 + sec(600)), Pause(T0 + sec(10), until=T0 + sec(5)))
    assert station.phase is Phase.PAUSED
    assert station.next_deadline == T0 + sec(600)


# -- sensors that disappear ----------------------------------------------------------------


def test_sensor_lost_during_a_session_cannot_monitor_then_restored() -> None:
    station = occupied()
    lost = S + sec(20)
    assert feed(station, SensorAvailability(lost, RADAR, available=False)) == [
        CannotMonitor(lost, False, RADAR)
    ]
    assert station.phase is Phase.CANNOT_MONITOR
    # Told once.
    assert feed(station, SensorAvailability(lost + sec(1), RADAR, available=False)) == []

    back = S + sec(40)
    assert feed(station, SensorAvailability(back, RADAR, available=True)) == [
        MonitoringRestored(back, False, RADAR)
    ]
    assert station.phase is Phase.OCCUPIED
    assert station.state.unavailable == set()


def test_presence_not_yet_confirmed_counts_as_in_session() -> None:
    station = make_station(room_sensing=True)
    feed(station, PresenceChanged(T0, present=True))
    assert feed(station, SensorAvailability(T0 + sec(1), DOOR, available=False)) == [
        CannotMonitor(T0 + sec(1), False, DOOR)
    ]


def test_sensor_lost_outside_a_session_is_only_remembered() -> None:
    station = make_station(room_sensing=True)
    assert feed(station, SensorAvailability(T0, RADAR, available=False)) == []
    assert station.state.unavailable == {RADAR}
    assert station.phase is Phase.IDLE
    assert feed(station, SensorAvailability(T0 + sec(5), RADAR, available=True)) == []
    assert station.state.unavailable == set()


def test_each_sensor_is_reported_on_its_own() -> None:
    station = occupied()
    effects = feed(
        station,
        SensorAvailability(S + sec(1), RADAR, available=False),
        SensorAvailability(S + sec(2), DOOR, available=False),
        SensorAvailability(S + sec(3), RADAR, available=True),
    )
    assert effects == [
        CannotMonitor(S + sec(1), False, RADAR),
        CannotMonitor(S + sec(2), False, DOOR),
        MonitoringRestored(S + sec(3), False, RADAR),
    ]
    assert station.phase is Phase.CANNOT_MONITOR
    assert station.state.cannot_monitor == {DOOR}


def test_a_lost_sensor_never_turns_into_all_fine() -> None:
    station = occupied()
    feed(station, SensorAvailability(S + sec(20), RADAR, available=False))
    # No more reports come from the radar: the stillness timer still runs out.
    assert run_until(station, S + sec(STILLNESS)) == [
        Prompt(S + sec(STILLNESS), False, Trigger.STILLNESS, S + sec(STILLNESS + 60))
    ]
    assert station.phase is Phase.PROMPTING


# -- phases --------------------------------------------------------------------------------


def test_phase_shows_the_most_pressing_state() -> None:
    station = make_station(room_sensing=True, stillness=sec(3600), duration=sec(3600))
    assert station.phase is Phase.IDLE
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, S)
    assert station.phase is Phase.OCCUPIED
    feed(station, StartCheckIn(S))
    assert station.phase is Phase.CHECK_IN
    feed(station, Pause(S + sec(1)))
    assert station.phase is Phase.PAUSED
    feed(station, SensorAvailability(S + sec(2), RADAR, available=False))
    assert station.phase is Phase.CANNOT_MONITOR
    (alert,) = feed(station, Pressed(S + sec(3)))
    assert isinstance(alert, SendAlert)
    assert station.phase is Phase.ALERT
    feed(station, Acknowledged(S + sec(4), alert.alert_key, "responder-a"))
    assert station.phase is Phase.RESPONDER_ATTENDING
    feed(station, ImOk(S + sec(5)))
    assert station.phase is Phase.CANNOT_MONITOR
    feed(station, SensorAvailability(S + sec(6), RADAR, available=True))
    assert station.phase is Phase.PAUSED
    feed(station, Resume(S + sec(7)))
    assert station.phase is Phase.CHECK_IN


def test_prompting_shows_over_a_lost_sensor() -> None:
    station = occupied(stillness=sec(3600), duration=sec(3600))
    feed(station, StartCheckIn(S), SensorAvailability(S + sec(1), RADAR, available=False))
    assert station.phase is Phase.CANNOT_MONITOR
    run_until(station, S + sec(INTERVAL))
    assert station.phase is Phase.PROMPTING
    tick_next(station)
    assert station.phase is Phase.COUNTDOWN
