"""The escalation ladder after the alert: reminders, fallback, final, acknowledgement, outcome."""

from __future__ import annotations

import pytest

from custom_components.brave.core.engine.effects import (
    AlertClosed,
    CountdownStarted,
    Escalate,
    OccupantOk,
    Prompt,
    PromptAnswered,
    ResponderAttending,
    SendAlert,
    Step,
    Trigger,
)
from custom_components.brave.core.engine.events import (
    Acknowledged,
    Event,
    ImOk,
    Outcome,
    PresenceChanged,
    PressAction,
    Pressed,
    Resolved,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import (
    RELEASED,
    STATION_ID,
    T0,
    feed,
    kinds,
    make_station,
    only,
    run_until,
    sec,
    tick_next,
)

KEY = f"{STATION_ID}-1"
R = 120


def help_alert(**overrides: object) -> Station:
    """A station whose help request went out at T0."""
    station = make_station(**overrides)
    assert kinds(feed(station, Pressed(T0))) == ["SendAlert"]
    return station


def room_alert(**overrides: object) -> tuple[Station, SendAlert]:
    """A room station whose stillness alert went out (presence at T0, default timers)."""
    station = make_station(room_sensing=True, **overrides)
    feed(station, PresenceChanged(T0, present=True))
    alert = run_until(station, T0 + sec(3 + 180 + 60 + 20))[-1]
    assert isinstance(alert, SendAlert)
    return station, alert


def test_reminders_fallback_and_final_follow_brave_timing() -> None:
    station = help_alert()
    assert run_until(station, T0 + sec(3600)) == [
        Escalate(T0 + sec(R), False, KEY, Step.REMINDER, 1),
        Escalate(T0 + sec(2 * R), False, KEY, Step.REMINDER, 2),
        Escalate(T0 + sec(2 * R), False, KEY, Step.FALLBACK, 2, **RELEASED),
        Escalate(T0 + sec(3 * R), False, KEY, Step.FINAL, 3, **RELEASED),
    ]
    # After the final alert the ladder waits for a responder.
    assert station.next_deadline is None
    assert station.phase is Phase.ALERT


@pytest.mark.parametrize(
    ("fallback_at", "final_at", "steps"),
    [
        (1, 2, [(Step.REMINDER, 1), (Step.FALLBACK, 1), (Step.FINAL, 2)]),
        (2, 1, [(Step.FINAL, 1)]),
        (3, 3, [(Step.REMINDER, 1), (Step.REMINDER, 2), (Step.FINAL, 3)]),
        (
            2,
            4,
            [
                (Step.REMINDER, 1),
                (Step.REMINDER, 2),
                (Step.FALLBACK, 2),
                (Step.REMINDER, 3),
                (Step.FINAL, 4),
            ],
        ),
    ],
)
def test_fallback_and_final_reminders_are_configurable(
    fallback_at: int, final_at: int, steps: list[tuple[Step, int]]
) -> None:
    station = help_alert(
        reminder=sec(30), fallback_at_reminder=fallback_at, final_at_reminder=final_at
    )
    effects = only(run_until(station, T0 + sec(3600)), Escalate)
    assert [(e.step, e.reminder) for e in effects] == steps
    assert [e.at for e in effects if e.step is not Step.FALLBACK] == [
        T0 + sec(30 * n) for n in range(1, final_at + 1)
    ]


def test_acknowledgement_owns_the_alert_and_stops_reminders() -> None:
    station = help_alert()
    assert feed(station, Acknowledged(T0 + sec(30), KEY, "responder-a")) == [
        ResponderAttending(T0 + sec(30), False, KEY, "responder-a")
    ]
    assert station.phase is Phase.RESPONDER_ATTENDING
    assert station.next_deadline is None
    # The first acknowledgement wins.
    assert feed(station, Acknowledged(T0 + sec(31), KEY, "responder-b")) == []
    assert station.state.ladder is not None
    assert station.state.ladder.responder == "responder-a"


def test_acknowledgement_after_reminders_stops_the_rest() -> None:
    station = help_alert()
    run_until(station, T0 + sec(R))
    feed(station, Acknowledged(T0 + sec(R + 10), KEY, "responder-a"))
    assert run_until(station, T0 + sec(3600)) == []


def test_acknowledgement_for_another_alert_is_ignored() -> None:
    station = help_alert()
    assert feed(station, Acknowledged(T0 + sec(30), "st-other-1", "responder-a")) == []
    assert station.phase is Phase.ALERT
    assert station.next_deadline == T0 + sec(R)


def test_acknowledgement_before_the_alert_is_sent_is_ignored() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(300))
    assert station.phase is Phase.PROMPTING
    assert feed(station, Acknowledged(T0 + sec(310), KEY, "responder-a")) == []
    assert station.phase is Phase.PROMPTING


def test_deadlines_passed_before_an_input_fire_first() -> None:
    station = help_alert()
    # The reminder was due at T0+R; the acknowledgement arrives 10 s later without a tick.
    assert feed(station, Acknowledged(T0 + sec(R + 10), KEY, "responder-a")) == [
        Escalate(T0 + sec(R), True, KEY, Step.REMINDER, 1),
        ResponderAttending(T0 + sec(R + 10), False, KEY, "responder-a"),
    ]


def test_late_means_more_than_a_second_after_the_deadline() -> None:
    station = help_alert()
    assert station.handle(Tick(T0 + sec(R + 1))) == [
        Escalate(T0 + sec(R), False, KEY, Step.REMINDER, 1)
    ]
    assert station.handle(Tick(T0 + sec(2 * R + 1.5))) == [
        Escalate(T0 + sec(2 * R), True, KEY, Step.REMINDER, 2),
        Escalate(T0 + sec(2 * R), True, KEY, Step.FALLBACK, 2, **RELEASED),
    ]


def test_an_input_of_no_known_kind_only_fires_what_is_due() -> None:
    station = help_alert()
    assert station.handle(Event(T0 + sec(R))) == [
        Escalate(T0 + sec(R), False, KEY, Step.REMINDER, 1)
    ]
    assert station.phase is Phase.ALERT


def test_a_tick_before_the_deadline_does_nothing() -> None:
    station = help_alert()
    assert station.handle(Tick(T0 + sec(R - 1))) == []
    assert station.next_deadline == T0 + sec(R)


def test_resolution_closes_the_alert_once() -> None:
    station = help_alert()
    closed = T0 + sec(60)
    assert feed(station, Resolved(closed, KEY, Outcome.SAFER_USE)) == [
        AlertClosed(closed, False, KEY, Outcome.SAFER_USE)
    ]
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None
    assert feed(station, Resolved(closed + sec(1), KEY, Outcome.SAFER_USE)) == []


def test_resolution_for_an_unknown_alert_is_ignored() -> None:
    station = help_alert()
    assert feed(station, Resolved(T0 + sec(60), "st-other-1", Outcome.OTHER)) == []
    assert station.phase is Phase.ALERT


def test_resolution_after_the_occupant_said_ok_still_records_the_outcome() -> None:
    station = help_alert()
    assert feed(station, ImOk(T0 + sec(20))) == [OccupantOk(T0 + sec(20), False, KEY)]
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None
    assert feed(station, Resolved(T0 + sec(90), KEY, Outcome.OCCUPANT_OK)) == [
        AlertClosed(T0 + sec(90), False, KEY, Outcome.OCCUPANT_OK)
    ]
    assert feed(station, Resolved(T0 + sec(91), KEY, Outcome.OCCUPANT_OK)) == []


def test_acknowledged_alert_can_be_resolved() -> None:
    station = help_alert()
    feed(station, Acknowledged(T0 + sec(10), KEY, "responder-a"))
    assert feed(station, Resolved(T0 + sec(600), KEY, Outcome.TEST)) == [
        AlertClosed(T0 + sec(600), False, KEY, Outcome.TEST)
    ]
    assert station.phase is Phase.IDLE


def test_occupant_ok_outcome_rearms_stillness_from_the_resolution() -> None:
    station, alert = room_alert()
    closed = alert.at + sec(60)
    run_until(station, closed)
    feed(station, Resolved(closed, alert.alert_key, Outcome.OCCUPANT_OK))
    assert station.phase is Phase.OCCUPIED
    assert station.next_deadline == closed + sec(180)
    assert run_until(station, closed + sec(180)) == [
        Prompt(closed + sec(180), False, Trigger.STILLNESS, closed + sec(240))
    ]


@pytest.mark.parametrize("outcome", [Outcome.OVERDOSE, Outcome.SPACE_EMPTY])
def test_ending_outcome_ends_the_room_session(outcome: Outcome) -> None:
    station, alert = room_alert()
    closed = alert.at + sec(60)
    run_until(station, closed)
    assert feed(station, Resolved(closed, alert.alert_key, outcome)) == [
        AlertClosed(closed, False, alert.alert_key, outcome)
    ]
    assert station.phase is Phase.IDLE
    assert station.state.session_start is None
    assert station.next_deadline is None


def test_im_ok_after_a_room_alert_stops_reminders() -> None:
    station, alert = room_alert()
    ok_at = alert.at + sec(5)
    assert feed(station, ImOk(ok_at)) == [OccupantOk(ok_at, False, alert.alert_key)]
    assert station.phase is Phase.OCCUPIED
    later = only(run_until(station, ok_at + sec(3600)), Escalate)
    assert [e for e in later if e.alert_key == alert.alert_key] == []


def test_answer_on_the_answer_deadline_comes_after_the_countdown_starts() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    prompt = only(run_until(station, T0 + sec(300)), Prompt)[0]
    # Deadlines are inclusive: at answer_by the countdown has started; the answer stops it.
    assert feed(station, Pressed(prompt.answer_by, PressAction.ANSWER)) == [
        CountdownStarted(
            prompt.answer_by, False, Trigger.MISSED_CHECK_IN, prompt.answer_by + sec(20)
        ),
        PromptAnswered(prompt.answer_by, False, Trigger.MISSED_CHECK_IN),
    ]


def test_im_ok_on_the_countdown_deadline_comes_after_the_alert() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(360))
    ends = T0 + sec(380)
    assert station.next_deadline == ends
    effects = feed(station, ImOk(ends))
    assert kinds(effects) == ["SendAlert", "OccupantOk"]
    assert effects[0].at == effects[1].at == ends


def test_alert_keys_count_up_per_station() -> None:
    station = help_alert()
    feed(station, Resolved(T0 + sec(10), KEY, Outcome.TEST))
    (second,) = feed(station, Pressed(T0 + sec(20)))
    assert isinstance(second, SendAlert)
    assert second.alert_key == f"{STATION_ID}-2"


@pytest.mark.parametrize(("mode", "rearm"), [("room", 180), ("check_in", 300)])
def test_closing_an_alert_rearms_monitoring_from_the_close(mode: str, rearm: int) -> None:
    if mode == "room":
        station = make_station(room_sensing=True)
        feed(station, PresenceChanged(T0, present=True))
        run_until(station, T0 + sec(3))
        trigger = Trigger.STILLNESS
    else:
        station = make_station()
        feed(station, StartCheckIn(T0))
        trigger = Trigger.MISSED_CHECK_IN
    (alert,) = feed(station, Pressed(T0 + sec(10)))
    assert isinstance(alert, SendAlert)
    feed(station, Acknowledged(T0 + sec(20), alert.alert_key, "responder-a"))
    # Closed long after the stillness or check-in deadline that was held while it was open.
    closed = T0 + sec(900)
    assert feed(station, Resolved(closed, alert.alert_key, Outcome.SAFER_USE)) == [
        AlertClosed(closed, False, alert.alert_key, Outcome.SAFER_USE)
    ]
    assert station.next_deadline == closed + sec(rearm)
    # The next prompt comes on time, with its whole answer window: nothing backdated.
    assert tick_next(station) == [
        Prompt(closed + sec(rearm), False, trigger, closed + sec(rearm + 60))
    ]


def test_resolution_of_a_prompt_not_yet_sent_is_ignored() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(300))
    assert station.phase is Phase.PROMPTING
    assert station.state.ladder is not None
    # The prompt already has its key, but no alert went out under it.
    assert feed(station, Resolved(T0 + sec(310), KEY, Outcome.OTHER)) == []
    assert station.phase is Phase.PROMPTING
    assert station.state.open_alerts == []
    assert station.next_deadline == T0 + sec(360)


def test_open_alerts_are_kept_oldest_first_and_each_closes_on_its_own() -> None:
    station = help_alert()
    feed(station, ImOk(T0 + sec(20)))
    (second,) = feed(station, Pressed(T0 + sec(30)))
    assert isinstance(second, SendAlert)
    second_key = f"{STATION_ID}-2"
    assert second.alert_key == second_key
    assert station.state.open_alerts == [KEY, second_key]

    # Closing the older alert leaves the one in progress alone.
    assert feed(station, Resolved(T0 + sec(40), KEY, Outcome.OCCUPANT_OK)) == [
        AlertClosed(T0 + sec(40), False, KEY, Outcome.OCCUPANT_OK)
    ]
    assert station.state.open_alerts == [second_key]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == T0 + sec(30 + R)

    assert feed(station, Resolved(T0 + sec(50), second_key, Outcome.SAFER_USE)) == [
        AlertClosed(T0 + sec(50), False, second_key, Outcome.SAFER_USE)
    ]
    assert station.state.open_alerts == []
    assert station.phase is Phase.IDLE


def test_other_outcome_on_a_stillness_alert_keeps_stillness_off_for_the_visit() -> None:
    station, alert = room_alert()
    closed = alert.at + sec(60)
    feed(station, Resolved(closed, alert.alert_key, Outcome.SAFER_USE))
    assert station.phase is Phase.OCCUPIED
    assert station.state.stillness_alerted
    # One stillness alert per visit: only the duration timer is left (session from T0+3).
    assert station.next_deadline == T0 + sec(3 + 1200)
    assert kinds(tick_next(station)) == ["Prompt"]
    assert station.state.ladder is not None
    assert station.state.ladder.trigger is Trigger.DURATION


# -- in-room steps that were never heard ---------------------------------------------------
# Home Assistant was not running at a prompt, countdown or release point: the occupant gets
# the whole window from when the step is handled, so nothing is released unheard.

MISSED = 10  # MISSED_AFTER, in seconds
PROMPT_AT = T0 + sec(300)


def check_in_station() -> Station:
    """A station whose check-in session started at T0 (prompt due at PROMPT_AT)."""
    station = make_station()
    feed(station, StartCheckIn(T0))
    return station


@pytest.mark.parametrize(
    ("delay", "late", "start"),
    [(0, False, 0), (1, False, 0), (1.5, True, 0), (MISSED, True, 0), (MISSED + 0.5, True, 10.5)],
)
def test_a_prompt_fired_late_keeps_its_time_unless_it_was_missed(
    delay: float, late: bool, start: float
) -> None:
    station = check_in_station()
    at = PROMPT_AT + sec(start)
    assert station.handle(Tick(PROMPT_AT + sec(delay))) == [
        Prompt(at, late, Trigger.MISSED_CHECK_IN, at + sec(60))
    ]
    assert station.next_deadline == at + sec(60)


def test_a_missed_prompt_gets_its_whole_ladder_from_when_it_is_handled() -> None:
    station = check_in_station()
    back = T0 + sec(3600)
    assert station.handle(Tick(back)) == [
        Prompt(back, True, Trigger.MISSED_CHECK_IN, back + sec(60))
    ]
    effects = run_until(station, back + sec(80))
    assert effects[:1] == [
        CountdownStarted(back + sec(60), False, Trigger.MISSED_CHECK_IN, back + sec(80))
    ]
    assert [(type(e).__name__, e.at, e.late) for e in effects[1:]] == [
        ("SendAlert", back + sec(80), False)
    ]


def test_a_missed_prompt_can_be_answered() -> None:
    station = check_in_station()
    back = T0 + sec(3600)
    # The answer arrives with the first input after the outage: the prompt fires, then is
    # answered, and nothing is sent.
    assert feed(station, ImOk(back)) == [
        Prompt(back, True, Trigger.MISSED_CHECK_IN, back + sec(60)),
        PromptAnswered(back, False, Trigger.MISSED_CHECK_IN),
    ]
    assert station.next_deadline == back + sec(300)


@pytest.mark.parametrize(
    ("delay", "start"), [(1, 0), (MISSED, 0), (MISSED + 0.5, MISSED + 0.5), (900, 900)]
)
def test_a_countdown_whose_start_was_missed_starts_when_handled(delay: float, start: float) -> None:
    station = check_in_station()
    run_until(station, PROMPT_AT)
    answer_by = PROMPT_AT + sec(60)
    at = answer_by + sec(start)
    (countdown,) = station.handle(Tick(answer_by + sec(delay)))
    assert countdown == CountdownStarted(at, delay > 1, Trigger.MISSED_CHECK_IN, at + sec(20))
    assert station.phase is Phase.COUNTDOWN
    assert station.next_deadline == at + sec(20)


@pytest.mark.parametrize("delay", [1.5, MISSED])
def test_a_release_handled_a_little_late_still_alerts_at_its_time(delay: float) -> None:
    station = check_in_station()
    run_until(station, PROMPT_AT + sec(60))
    ends = PROMPT_AT + sec(80)
    (alert,) = station.handle(Tick(ends + sec(delay)))
    assert isinstance(alert, SendAlert)
    assert (alert.at, alert.late) == (ends, True)


@pytest.mark.parametrize("delay", [MISSED + 0.5, 900])
def test_a_missed_release_restarts_the_countdown_instead_of_alerting(delay: float) -> None:
    station = check_in_station()
    run_until(station, PROMPT_AT + sec(60))
    back = PROMPT_AT + sec(80 + delay)
    assert station.handle(Tick(back)) == [
        CountdownStarted(back, True, Trigger.MISSED_CHECK_IN, back + sec(20))
    ]
    assert station.phase is Phase.COUNTDOWN
    assert station.state.missed_check_ins == 0
    assert station.state.open_alerts == []
    # The occupant can still stop it.
    assert feed(station, Pressed(back + sec(5), PressAction.ANSWER)) == [
        PromptAnswered(back + sec(5), False, Trigger.MISSED_CHECK_IN)
    ]


def test_a_restarted_countdown_releases_on_time_if_unanswered() -> None:
    station = check_in_station()
    run_until(station, PROMPT_AT + sec(60))
    back = PROMPT_AT + sec(80 + 900)
    station.handle(Tick(back))
    (alert,) = run_until(station, back + sec(20))
    assert isinstance(alert, SendAlert)
    assert (alert.at, alert.late, alert.details) == (
        back + sec(20),
        False,
        {"missed_check_ins": 1},
    )
    assert alert.location is not None


@pytest.mark.parametrize(
    ("delay", "expected", "open_alerts"),
    [
        (5, ["SendAlert", "OccupantOk"], [KEY]),
        (MISSED + 1, ["CountdownStarted", "PromptAnswered"], []),
    ],
)
def test_an_answer_after_a_missed_release_point_stops_the_countdown(
    delay: float, expected: list[str], open_alerts: list[str]
) -> None:
    station = check_in_station()
    run_until(station, PROMPT_AT + sec(60))
    # The answer is the first input after the release point: within MISSED_AFTER the alert
    # went out first; later, the countdown restarts and the answer stops it.
    effects = feed(station, ImOk(PROMPT_AT + sec(80 + delay)))
    assert kinds(effects) == expected
    assert station.state.open_alerts == open_alerts
    assert station.phase is Phase.CHECK_IN


def test_steps_after_the_release_fire_at_once_in_order_marked_late() -> None:
    station = help_alert()
    back = T0 + sec(3600)
    assert station.handle(Tick(back)) == [
        Escalate(T0 + sec(R), True, KEY, Step.REMINDER, 1),
        Escalate(T0 + sec(2 * R), True, KEY, Step.REMINDER, 2),
        Escalate(T0 + sec(2 * R), True, KEY, Step.FALLBACK, 2, **RELEASED),
        Escalate(T0 + sec(3 * R), True, KEY, Step.FINAL, 3, **RELEASED),
    ]
    assert station.next_deadline is None


def test_a_missed_stillness_prompt_waits_for_the_answer_window() -> None:
    station = make_station(room_sensing=True)
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, T0 + sec(3))
    # Stillness was due at T0+183; nothing ran until T0+900.
    back = T0 + sec(900)
    assert station.handle(Tick(back)) == [Prompt(back, True, Trigger.STILLNESS, back + sec(60))]
    assert not station.state.stillness_alerted
