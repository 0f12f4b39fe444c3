"""The occupant's own controls: the pause gesture, help asked in words, a session's own interval."""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.brave.core.engine.config import Timers
from custom_components.brave.core.engine.effects import (
    MorePresses,
    Paused,
    Prompt,
    PromptAnswered,
    Resumed,
    SendAlert,
    Trigger,
    Urgency,
)
from custom_components.brave.core.engine.events import (
    AskedForHelp,
    EndCheckIn,
    ImOk,
    Pause,
    PressAction,
    Pressed,
    Reconfigured,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.state import dump_state, load_state
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import LOCATION, T0, feed, make_station, only, run_until, sec, tick_next

INTERVAL, ANSWER = 300, 60
AUTO_RESUME = Timers().auto_resume
PAUSE = PressAction.PAUSE


def prompting(**overrides: object) -> Station:
    """A station in a check-in session, asking in the room."""
    station = make_station(**overrides)
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(INTERVAL))
    assert station.phase is Phase.PROMPTING
    return station


# -- the pause gesture -------------------------------------------------------------------------


def test_pause_gesture_pauses_for_the_auto_resume_time_and_again_resumes() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    at = T0 + sec(10)
    assert feed(station, Pressed(at, PAUSE)) == [Paused(at, False, at + AUTO_RESUME)]
    assert station.phase is Phase.PAUSED
    assert station.next_deadline == at + AUTO_RESUME

    again = T0 + sec(100)
    assert feed(station, Pressed(again, PAUSE)) == [Resumed(again, False)]
    assert station.phase is Phase.CHECK_IN
    # Monitoring carries on from the resume, not from before the pause.
    assert station.next_deadline == again + sec(INTERVAL)


def test_pause_gesture_without_auto_resume_pauses_until_resumed() -> None:
    station = make_station(auto_resume=sec(0))
    assert feed(station, Pressed(T0, PAUSE)) == [Paused(T0, False, None)]
    assert station.next_deadline is None


def test_pause_gesture_during_a_prompt_answers_it() -> None:
    station = prompting()
    at = T0 + sec(INTERVAL + 5)
    assert feed(station, Pressed(at, PAUSE)) == [
        PromptAnswered(at, False, Trigger.MISSED_CHECK_IN),
        Paused(at, False, at + AUTO_RESUME),
    ]
    assert station.phase is Phase.PAUSED


def test_pause_gesture_on_a_station_without_the_help_mode_still_pauses() -> None:
    station = make_station(help_button=False)
    assert feed(station, Pressed(T0, PAUSE)) == [Paused(T0, False, T0 + AUTO_RESUME)]


def test_pause_ends_by_itself_and_says_so() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0), Pressed(T0, PAUSE))
    assert tick_next(station) == [Resumed(T0 + AUTO_RESUME, False)]
    assert station.phase is Phase.CHECK_IN


def test_pause_that_ended_while_nothing_ran_resumes_late() -> None:
    station = make_station()
    feed(station, Pressed(T0, PAUSE))
    later = T0 + AUTO_RESUME + sec(600)
    assert station.handle(Tick(later)) == [Resumed(T0 + AUTO_RESUME, True)]


def test_help_press_while_paused_by_the_gesture_calls_for_help() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0), Pressed(T0, PAUSE))
    (alert,) = feed(station, Pressed(T0 + sec(30)))
    assert isinstance(alert, SendAlert)
    assert alert.trigger is Trigger.HELP_REQUEST
    assert alert.location == LOCATION
    assert station.phase is Phase.ALERT
    # The alert takes its course; the pause still ends by itself, and the room hears it.
    effects = run_until(station, T0 + AUTO_RESUME)
    assert only(effects, Resumed) == [Resumed(T0 + AUTO_RESUME, False)]


def test_resume_when_not_paused_says_nothing() -> None:
    station = make_station()
    assert feed(station, Pressed(T0, PAUSE), Pressed(T0 + sec(1), PAUSE)) == [
        Paused(T0, False, T0 + AUTO_RESUME),
        Resumed(T0 + sec(1), False),
    ]
    # A third press pauses again.
    assert only(feed(station, Pressed(T0 + sec(2), PAUSE)), Paused)


# -- help asked in words -----------------------------------------------------------------------


@pytest.mark.parametrize("help_button", [True, False], ids=["help_mode", "check_in_only"])
def test_asked_for_help_always_calls_for_help(help_button: bool) -> None:
    station = make_station(help_button=help_button)
    (alert,) = feed(station, AskedForHelp(T0))
    assert isinstance(alert, SendAlert)
    assert alert.trigger is Trigger.HELP_REQUEST
    assert alert.urgency is Urgency.NORMAL


def test_asked_for_help_during_a_prompt_ends_it_and_calls() -> None:
    station = prompting(help_button=False)
    (alert,) = feed(station, AskedForHelp(T0 + sec(INTERVAL + 5)))
    assert isinstance(alert, SendAlert)
    assert alert.trigger is Trigger.HELP_REQUEST
    assert station.phase is Phase.ALERT


def test_asked_for_help_again_counts_as_another_press() -> None:
    station = make_station()
    feed(station, AskedForHelp(T0))
    (more,) = feed(station, AskedForHelp(T0 + sec(5)))
    assert isinstance(more, MorePresses)
    assert more.urgency is Urgency.URGENT


def test_asked_for_help_while_paused_calls_for_help() -> None:
    station = make_station(help_button=False)
    feed(station, Pause(T0))
    (alert,) = feed(station, AskedForHelp(T0 + sec(1)))
    assert isinstance(alert, SendAlert)


# -- a session's own interval ------------------------------------------------------------------


def test_session_with_its_own_interval_prompts_at_it() -> None:
    station = make_station()
    assert feed(station, StartCheckIn(T0, interval=sec(600))) == []
    assert station.next_deadline == T0 + sec(600)
    (prompt,) = tick_next(station)
    assert isinstance(prompt, Prompt)
    # Answered: the next one is the session's interval away too.
    feed(station, ImOk(T0 + sec(610)))
    assert station.next_deadline == T0 + sec(1210)


def test_a_new_interval_during_a_session_counts_from_now() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    feed(station, StartCheckIn(T0 + sec(100), interval=sec(120)))
    assert station.next_deadline == T0 + sec(220)
    # Without an interval, a session in progress is left as it is.
    feed(station, StartCheckIn(T0 + sec(150)))
    assert station.next_deadline == T0 + sec(220)


def test_a_new_interval_during_a_prompt_leaves_the_prompt() -> None:
    station = prompting()
    deadline = station.next_deadline
    feed(station, StartCheckIn(T0 + sec(INTERVAL + 1), interval=sec(120)))
    assert station.phase is Phase.PROMPTING
    assert station.next_deadline == deadline
    # Once answered, the new interval applies.
    answered = T0 + sec(INTERVAL + 2)
    feed(station, ImOk(answered))
    assert station.next_deadline == answered + sec(120)


def test_ending_the_session_forgets_its_interval() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0, interval=sec(600)), EndCheckIn(T0 + sec(1)))
    feed(station, StartCheckIn(T0 + sec(2)))
    assert station.next_deadline == T0 + sec(2 + INTERVAL)


def test_station_interval_change_leaves_a_session_interval_alone() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0, interval=sec(600)))
    timers = replace(station.config.timers, check_in_interval=sec(60))
    feed(station, Reconfigured(T0 + sec(10), replace(station.config, timers=timers)))
    assert station.next_deadline == T0 + sec(600)


def test_session_interval_survives_a_restart() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0, interval=sec(600)))
    restored = Station(station.config, load_state(dump_state(station.state)))
    restored.handle(ImOk(T0 + sec(10)))
    assert restored.next_deadline == T0 + sec(610)


def test_interval_on_a_station_without_check_ins_does_nothing() -> None:
    station = make_station(check_in=False)
    assert feed(station, StartCheckIn(T0, interval=sec(600))) == []
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None
