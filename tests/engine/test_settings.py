"""Settings changes re-plan every pending step at once; clock steps move stored times."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta

import pytest

from custom_components.brave.core.engine.config import Timers
from custom_components.brave.core.engine.effects import CountdownStarted, Escalate, SendAlert, Step
from custom_components.brave.core.engine.events import (
    Pause,
    PresenceChanged,
    PressAction,
    Pressed,
    Reconfigured,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.state import dump_state, shift_times
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import T0, feed, kinds, make_config, make_station, only, run_until, sec


def retimed(station: Station, **timers: timedelta) -> Reconfigured:
    """A settings change of some timers, from the station's current config."""
    return Reconfigured(
        T0, replace(station.config, timers=replace(station.config.timers, **timers))
    )


def at(event: Reconfigured, seconds: float) -> Reconfigured:
    return replace(event, at=T0 + sec(seconds))


def test_lowering_the_countdown_during_the_countdown_moves_the_alert_at_once() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(360))  # prompt at 300, countdown from 360 to 380
    assert station.phase is Phase.COUNTDOWN
    assert feed(station, at(retimed(station, countdown=sec(10)), 362)) == []
    # The next step is when the station will act: 10 s after the countdown began.
    assert station.next_deadline == T0 + sec(370)
    (alert,) = station.handle(Tick(T0 + sec(370)))
    assert isinstance(alert, SendAlert)
    assert (alert.at, alert.late) == (T0 + sec(370), False)


def test_a_new_timer_shorter_than_the_time_already_passed_acts_now_not_late() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(360))
    effects = feed(station, at(retimed(station, countdown=sec(5)), 375))
    (alert,) = only(effects, SendAlert)
    assert (alert.at, alert.late) == (T0 + sec(375), False)


def test_raising_a_timer_gives_more_time() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(300))  # prompt, answer by 360
    feed(station, at(retimed(station, answer_window=sec(120)), 310))
    assert station.next_deadline == T0 + sec(420)
    assert kinds(station.handle(Tick(T0 + sec(420)))) == ["CountdownStarted"]


def test_check_in_interval_and_reminders_are_replanned() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    feed(station, at(retimed(station, check_in_interval=sec(60)), 30))
    assert station.next_deadline == T0 + sec(60)
    (alert,) = feed(station, Pressed(T0 + sec(40)))
    assert isinstance(alert, SendAlert)
    assert station.next_deadline == T0 + sec(40 + 120)
    feed(station, at(retimed(station, reminder=sec(30)), 50))
    assert station.next_deadline == T0 + sec(70)
    (reminder,) = station.handle(Tick(T0 + sec(70)))
    assert isinstance(reminder, Escalate)
    assert (reminder.step, reminder.at) == (Step.REMINDER, T0 + sec(70))


@pytest.mark.parametrize(
    ("timer", "first"),
    [("duration", True), ("duration_repeat", False)],
)
def test_long_stay_timers_are_replanned(timer: str, first: bool) -> None:
    station = make_station(room_sensing=True, stillness=sec(3600))
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, T0 + sec(3))
    start = T0 + sec(3)
    change = start + sec(100)
    if not first:
        # The first long-stay alert came and was answered; the next is a repeat.
        run_until(station, start + sec(1200))
        feed(station, Pressed(start + sec(1201), PressAction.ANSWER))
        change = start + sec(1202)
    assert station.state.next_duration == start + sec(1200 if first else 2400)
    feed(station, replace(retimed(station, **{timer: sec(600)}), at=change))
    assert station.state.next_duration == start + sec(600 if first else 1800)


def test_a_default_pause_follows_the_auto_resume_setting() -> None:
    station = make_station()
    feed(station, Pause(T0))
    assert station.next_deadline == T0 + Timers().auto_resume
    feed(station, at(retimed(station, auto_resume=sec(600)), 60))
    assert station.next_deadline == T0 + sec(600)
    feed(station, at(retimed(station, auto_resume=sec(0)), 70))
    assert station.next_deadline is None
    feed(station, at(retimed(station, auto_resume=sec(30)), 80))
    # Already past the new end: it resumes now.
    assert station.phase is Phase.IDLE


def test_a_pause_with_its_own_end_keeps_it() -> None:
    station = make_station()
    feed(station, Pause(T0, until=T0 + sec(900)))
    feed(station, at(retimed(station, auto_resume=sec(60)), 10))
    assert station.next_deadline == T0 + sec(900)


def test_a_settings_change_with_nothing_pending_changes_nothing() -> None:
    station = make_station()
    before = dump_state(station.state)
    assert feed(station, at(retimed(station, countdown=sec(5)), 10)) == []
    assert dump_state(station.state) == before
    assert station.config.timers.countdown == sec(5)


@pytest.mark.parametrize("step", [timedelta(hours=-1), timedelta(hours=1)])
def test_shifting_times_keeps_every_remaining_wait(step: timedelta) -> None:
    station = make_station(room_sensing=True)
    feed(station, PresenceChanged(T0, present=True), StartCheckIn(T0))
    run_until(station, T0 + sec(200))
    twin = Station(make_config(room_sensing=True), copy.deepcopy(station.state))
    shift_times(twin.state, step)
    before, after = station.next_deadline, twin.next_deadline
    assert before is not None
    assert after == before + step
    # The same effects follow, each moved by the step.
    ahead = run_until(station, T0 + sec(1000))
    shifted = run_until(twin, T0 + sec(1000) + step)
    assert [(type(e), e.at + step) for e in ahead] == [(type(e), e.at) for e in shifted]
    assert only(ahead, CountdownStarted)
