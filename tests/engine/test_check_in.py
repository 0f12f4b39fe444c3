"""Check-in sessions: a prompt every interval; a missed answer counts down, then alerts."""

from __future__ import annotations

import pytest

from custom_components.brave.core.engine.effects import (
    AlertClosed,
    CountdownStarted,
    OccupantOk,
    Prompt,
    PromptAnswered,
    SendAlert,
    Trigger,
    Urgency,
)
from custom_components.brave.core.engine.events import (
    ENDING_OUTCOMES,
    Acknowledged,
    DoorChanged,
    EndCheckIn,
    ImOk,
    Outcome,
    Pause,
    PresenceChanged,
    PressAction,
    Pressed,
    Resolved,
    Resume,
    StartCheckIn,
)
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import (
    CONTACTS,
    LOCATION,
    PLAN,
    STATION_ID,
    T0,
    feed,
    make_station,
    only,
    run_until,
    sec,
    tick_next,
)

INTERVAL, ANSWER, COUNTDOWN, REMINDER = 300, 60, 20, 120
PROMPT_AT = T0 + sec(INTERVAL)
ALERT_AT = T0 + sec(INTERVAL + ANSWER + COUNTDOWN)
NOT_ENDING = sorted(set(Outcome) - ENDING_OUTCOMES)


def checking_in(**overrides: object) -> Station:
    """A station whose check-in session started at T0."""
    station = make_station(**overrides)
    assert feed(station, StartCheckIn(T0)) == []
    return station


def missed(**overrides: object) -> tuple[Station, SendAlert]:
    """A station whose first check-in went unanswered: the alert was sent at ALERT_AT."""
    station = checking_in(**overrides)
    alert = run_until(station, ALERT_AT)[-1]
    assert isinstance(alert, SendAlert)
    return station, alert


def test_start_schedules_the_first_prompt() -> None:
    station = checking_in()
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == PROMPT_AT
    # Starting again does not move the prompt.
    assert feed(station, StartCheckIn(T0 + sec(100))) == []
    assert station.next_deadline == PROMPT_AT


def test_start_is_ignored_when_check_in_is_off() -> None:
    station = make_station(check_in=False)
    assert feed(station, StartCheckIn(T0)) == []
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_missed_check_in_prompts_counts_down_and_alerts_with_details() -> None:
    station = checking_in()
    assert run_until(station, ALERT_AT) == [
        Prompt(PROMPT_AT, False, Trigger.MISSED_CHECK_IN, PROMPT_AT + sec(ANSWER)),
        CountdownStarted(PROMPT_AT + sec(ANSWER), False, Trigger.MISSED_CHECK_IN, ALERT_AT),
        SendAlert(
            ALERT_AT,
            False,
            alert_key=f"{STATION_ID}-1",
            trigger=Trigger.MISSED_CHECK_IN,
            urgency=Urgency.NORMAL,
            started_at=PROMPT_AT,
            details={"missed_check_ins": 1},
            location=LOCATION,
            contacts=CONTACTS,
            call_emergency_services=False,
            notes=PLAN.notes,
        ),
    ]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == ALERT_AT + sec(REMINDER)


def test_phase_follows_the_ladder() -> None:
    station = checking_in()
    phases = []
    while station.phase is not Phase.ALERT:
        tick_next(station)
        phases.append(station.phase)
    assert phases == [Phase.PROMPTING, Phase.COUNTDOWN, Phase.ALERT]


def test_answering_the_prompt_rearms_from_the_answer() -> None:
    station = checking_in()
    run_until(station, PROMPT_AT)
    answered = PROMPT_AT + sec(30)
    assert feed(station, Pressed(answered, PressAction.ANSWER)) == [
        PromptAnswered(answered, False, Trigger.MISSED_CHECK_IN)
    ]
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == answered + sec(INTERVAL)
    assert station.state.missed_check_ins == 0


def test_im_ok_during_the_countdown_stops_it() -> None:
    station = checking_in()
    run_until(station, PROMPT_AT + sec(ANSWER))
    assert station.phase is Phase.COUNTDOWN
    answered = PROMPT_AT + sec(ANSWER + 10)
    assert feed(station, ImOk(answered)) == [
        PromptAnswered(answered, False, Trigger.MISSED_CHECK_IN)
    ]
    assert station.next_deadline == answered + sec(INTERVAL)
    # Nothing was sent.
    assert only(run_until(station, answered + sec(INTERVAL - 1)), SendAlert) == []


def test_im_ok_between_prompts_restarts_the_interval() -> None:
    station = checking_in()
    assert feed(station, ImOk(T0 + sec(200))) == []
    assert station.next_deadline == T0 + sec(200 + INTERVAL)


def test_im_ok_after_the_alert_resumes_prompting_and_counts_missed_check_ins() -> None:
    station, first = missed()
    ok_at = ALERT_AT + sec(40)
    assert feed(station, ImOk(ok_at)) == [OccupantOk(ok_at, False, first.alert_key)]
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == ok_at + sec(INTERVAL)
    # The alert stays open for a responder to close.
    assert station.state.open_alerts == [first.alert_key]

    second = only(run_until(station, ok_at + sec(INTERVAL + ANSWER + COUNTDOWN)), SendAlert)
    assert [(a.alert_key, a.details, a.started_at) for a in second] == [
        (f"{STATION_ID}-2", {"missed_check_ins": 2}, ok_at + sec(INTERVAL))
    ]


def test_a_new_session_counts_missed_check_ins_from_zero() -> None:
    station, _ = missed()
    feed(station, ImOk(ALERT_AT + sec(1)), EndCheckIn(ALERT_AT + sec(2)))
    restart = ALERT_AT + sec(3)
    feed(station, StartCheckIn(restart))
    alerts = only(run_until(station, restart + sec(INTERVAL + ANSWER + COUNTDOWN)), SendAlert)
    assert [a.details for a in alerts] == [{"missed_check_ins": 1}]


def test_end_check_in_stops_prompting() -> None:
    station = checking_in()
    assert feed(station, EndCheckIn(T0 + sec(10))) == []
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_end_check_in_when_none_is_active_does_nothing() -> None:
    station = make_station()
    assert feed(station, EndCheckIn(T0)) == []
    assert station.phase is Phase.IDLE


@pytest.mark.parametrize("stage", [Phase.PROMPTING, Phase.COUNTDOWN])
def test_end_check_in_answers_its_open_prompt(stage: Phase) -> None:
    station = checking_in()
    run_until(station, PROMPT_AT)
    if stage is Phase.COUNTDOWN:
        tick_next(station)
    assert station.phase is stage
    deadline = station.next_deadline
    assert deadline is not None
    ended = deadline - sec(1)
    assert feed(station, EndCheckIn(ended)) == [
        PromptAnswered(ended, False, Trigger.MISSED_CHECK_IN)
    ]
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_end_check_in_after_the_alert_leaves_the_alert_open() -> None:
    station, alert = missed()
    assert feed(station, EndCheckIn(ALERT_AT + sec(5))) == []
    assert station.phase is Phase.ALERT
    assert station.next_deadline == ALERT_AT + sec(REMINDER)
    feed(station, ImOk(ALERT_AT + sec(10)))
    # The session is over: no more prompts.
    assert station.next_deadline is None
    assert station.phase is Phase.IDLE
    assert alert.alert_key == f"{STATION_ID}-1"


def test_check_in_prompts_wait_while_another_alert_is_open() -> None:
    station = checking_in()
    (help_alert,) = feed(station, Pressed(T0 + sec(100)))
    assert isinstance(help_alert, SendAlert)
    feed(station, Acknowledged(T0 + sec(110), help_alert.alert_key, "responder-a"))
    assert station.next_deadline is None
    assert run_until(station, T0 + sec(3600)) == []

    ok_at = T0 + sec(1000)
    assert feed(station, ImOk(ok_at)) == [OccupantOk(ok_at, False, help_alert.alert_key)]
    assert station.next_deadline == ok_at + sec(INTERVAL)


def test_door_opening_does_not_answer_a_missed_check_in_prompt() -> None:
    # Long room timers, so the check-in prompt comes first.
    station = checking_in(room_sensing=True, has_door=True, stillness=sec(3600))
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, PROMPT_AT)
    assert station.phase is Phase.PROMPTING
    assert feed(station, DoorChanged(PROMPT_AT + sec(5), open=True)) == []
    assert station.phase is Phase.PROMPTING
    assert station.next_deadline == PROMPT_AT + sec(ANSWER)


def test_start_check_in_while_paused_waits_for_resume() -> None:
    station = make_station(auto_resume=sec(0))
    feed(station, Pause(T0), StartCheckIn(T0 + sec(1)))
    assert station.phase is Phase.PAUSED
    assert station.next_deadline is None
    feed(station, Resume(T0 + sec(50)))
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == T0 + sec(50 + INTERVAL)


@pytest.mark.parametrize("outcome", sorted(ENDING_OUTCOMES))
def test_ending_outcome_ends_the_check_in(outcome: Outcome) -> None:
    station, alert = missed()
    closed = ALERT_AT + sec(30)
    assert feed(station, Resolved(closed, alert.alert_key, outcome)) == [
        AlertClosed(closed, False, alert.alert_key, outcome)
    ]
    assert station.phase is Phase.IDLE
    assert not station.state.check_in_active
    assert station.next_deadline is None


@pytest.mark.parametrize("outcome", NOT_ENDING)
def test_other_outcomes_resume_prompting_from_the_close(outcome: Outcome) -> None:
    station, alert = missed()
    closed = ALERT_AT + sec(30)
    assert feed(station, Resolved(closed, alert.alert_key, outcome)) == [
        AlertClosed(closed, False, alert.alert_key, outcome)
    ]
    # The session goes on: the next prompt comes a full interval after the close.
    assert station.phase is Phase.CHECK_IN
    assert station.state.open_alerts == []
    assert station.next_deadline == closed + sec(INTERVAL)
    assert run_until(station, closed + sec(INTERVAL)) == [
        Prompt(
            closed + sec(INTERVAL), False, Trigger.MISSED_CHECK_IN, closed + sec(INTERVAL + ANSWER)
        )
    ]


def test_closing_an_acknowledged_alert_long_after_resumes_prompting_on_time() -> None:
    station, alert = missed()
    feed(station, Acknowledged(ALERT_AT + sec(10), alert.alert_key, "responder-a"))
    # The prompt held while the alert was open is long overdue by the time it is closed.
    closed = ALERT_AT + sec(3 * INTERVAL)
    feed(station, Resolved(closed, alert.alert_key, Outcome.SAFER_USE))
    assert station.next_deadline == closed + sec(INTERVAL)
    # No backdated prompt, countdown or alert: the occupant gets the whole answer window.
    assert run_until(station, closed + sec(INTERVAL + ANSWER - 1)) == [
        Prompt(
            closed + sec(INTERVAL), False, Trigger.MISSED_CHECK_IN, closed + sec(INTERVAL + ANSWER)
        )
    ]
