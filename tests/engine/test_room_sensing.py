"""Room sensing: presence starts a session; stillness and duration start the ladder."""

from __future__ import annotations

import pytest

from custom_components.brave.core.engine.effects import (
    CountdownStarted,
    DoorOpened,
    Prompt,
    PromptAnswered,
    SendAlert,
    Trigger,
    Urgency,
)
from custom_components.brave.core.engine.events import (
    Acknowledged,
    DoorChanged,
    ImOk,
    MotionChanged,
    PresenceChanged,
    Pressed,
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
    run_until,
    sec,
    tick_next,
)

# Brave's defaults, in seconds.
CONFIRM, STILLNESS, DURATION, ANSWER, COUNTDOWN, REMINDER = 3, 180, 1200, 60, 20, 120
# When the default presence confirmation starts a session for presence seen at T0.
S = T0 + sec(CONFIRM)


def occupied(**overrides: object) -> Station:
    """A room-sensing station whose session started at S (presence seen at T0)."""
    station = make_station(room_sensing=True, **overrides)
    feed(station, PresenceChanged(T0, present=True))
    assert run_until(station, S) == []
    assert station.state.session_start == S
    return station


def test_room_sensing_off_ignores_radar_and_door() -> None:
    station = make_station()
    effects = feed(
        station,
        PresenceChanged(T0, present=True),
        MotionChanged(T0 + sec(1), moving=False),
        DoorChanged(T0 + sec(2), open=True),
        DoorChanged(T0 + sec(3), open=False),
    )
    assert effects == []
    assert station.next_deadline is None
    assert station.phase is Phase.IDLE
    assert run_until(station, T0 + sec(10_000)) == []


def test_presence_is_confirmed_before_a_session_starts() -> None:
    station = make_station(room_sensing=True)
    assert feed(station, PresenceChanged(T0, present=True)) == []
    assert station.next_deadline == S
    assert station.phase is Phase.IDLE

    assert tick_next(station) == []
    assert station.phase is Phase.OCCUPIED
    assert station.state.session_start == S
    # Without a motion sensor the room counts as still from the session start.
    assert station.next_deadline == S + sec(STILLNESS)


def test_presence_that_drops_before_confirmation_starts_nothing() -> None:
    station = make_station(room_sensing=True, presence_confirm=sec(5))
    feed(station, PresenceChanged(T0, present=True), PresenceChanged(T0 + sec(4), present=False))
    assert station.next_deadline is None
    # Seen again: the confirmation starts over.
    feed(station, PresenceChanged(T0 + sec(6), present=True))
    assert station.next_deadline == T0 + sec(11)
    assert run_until(station, T0 + sec(11)) == []
    assert station.state.session_start == T0 + sec(11)


def test_repeated_presence_report_does_not_restart_confirmation() -> None:
    station = make_station(room_sensing=True)
    feed(station, PresenceChanged(T0, present=True), PresenceChanged(T0 + sec(2), present=True))
    assert station.next_deadline == S


def test_stillness_prompts_then_counts_down_then_alerts_with_details() -> None:
    station = occupied()

    assert run_until(station, S + sec(STILLNESS)) == [
        Prompt(S + sec(STILLNESS), False, Trigger.STILLNESS, S + sec(STILLNESS + ANSWER))
    ]
    assert station.phase is Phase.PROMPTING
    assert station.next_deadline == S + sec(STILLNESS + ANSWER)

    assert tick_next(station) == [
        CountdownStarted(
            S + sec(STILLNESS + ANSWER),
            False,
            Trigger.STILLNESS,
            S + sec(STILLNESS + ANSWER + COUNTDOWN),
        )
    ]
    assert station.phase is Phase.COUNTDOWN

    sent_at = S + sec(STILLNESS + ANSWER + COUNTDOWN)
    assert tick_next(station) == [
        SendAlert(
            sent_at,
            False,
            alert_key=f"{STATION_ID}-1",
            trigger=Trigger.STILLNESS,
            urgency=Urgency.NORMAL,
            started_at=S,
            details={"occupied_for_s": STILLNESS},
            location=LOCATION,
            contacts=CONTACTS,
            call_emergency_services=False,
            notes=PLAN.notes,
        )
    ]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == sent_at + sec(REMINDER)


def test_without_motion_sensor_any_report_restarts_stillness() -> None:
    station = occupied()
    feed(station, MotionChanged(S + sec(100), moving=True))
    assert station.next_deadline == S + sec(100 + STILLNESS)
    # Without a motion sensor "still" is a report too: it counts as movement.
    feed(station, MotionChanged(S + sec(150), moving=False))
    assert station.next_deadline == S + sec(150 + STILLNESS)


def test_without_motion_sensor_a_report_before_the_session_changes_nothing() -> None:
    station = make_station(room_sensing=True)
    feed(station, PresenceChanged(T0, present=True), MotionChanged(T0 + sec(1), moving=True))
    assert station.next_deadline == S
    run_until(station, S)
    assert station.next_deadline == S + sec(STILLNESS)


def test_with_motion_sensor_stillness_counts_from_when_movement_stops() -> None:
    station = make_station(room_sensing=True, has_motion=True)
    feed(station, MotionChanged(T0, moving=True), PresenceChanged(T0, present=True))
    assert run_until(station, S) == []
    # Moving: only the duration timer runs.
    assert station.state.still_since is None
    assert station.next_deadline == S + sec(DURATION)

    feed(station, MotionChanged(S + sec(60), moving=False))
    assert station.next_deadline == S + sec(60 + STILLNESS)
    # The same state again is not a change.
    feed(station, MotionChanged(S + sec(100), moving=False))
    assert station.next_deadline == S + sec(60 + STILLNESS)

    feed(station, MotionChanged(S + sec(120), moving=True))
    assert station.next_deadline == S + sec(DURATION)


def test_with_motion_sensor_a_still_occupant_is_still_from_the_session_start() -> None:
    station = make_station(room_sensing=True, has_motion=True)
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, S)
    assert station.next_deadline == S + sec(STILLNESS)


def test_duration_prompts_at_duration_and_repeats_from_its_last_prompt() -> None:
    repeat = 600
    station = make_station(room_sensing=True, has_motion=True, duration_repeat=sec(repeat))
    feed(station, MotionChanged(T0, moving=True), PresenceChanged(T0, present=True))
    run_until(station, S)

    first = S + sec(DURATION)
    assert run_until(station, first) == [
        Prompt(first, False, Trigger.DURATION, first + sec(ANSWER))
    ]
    answered = first + sec(10)
    assert feed(station, ImOk(answered)) == [PromptAnswered(answered, False, Trigger.DURATION)]
    assert station.phase is Phase.OCCUPIED
    # The repeat counts from the last duration deadline, not from the answer.
    second = first + sec(repeat)
    assert station.next_deadline == second

    effects = run_until(station, second + sec(ANSWER + COUNTDOWN))
    assert effects[:2] == [
        Prompt(second, False, Trigger.DURATION, second + sec(ANSWER)),
        CountdownStarted(
            second + sec(ANSWER), False, Trigger.DURATION, second + sec(ANSWER + COUNTDOWN)
        ),
    ]
    alert = effects[2]
    assert isinstance(alert, SendAlert)
    assert (alert.at, alert.alert_key, alert.trigger) == (
        second + sec(ANSWER + COUNTDOWN),
        f"{STATION_ID}-2",
        Trigger.DURATION,
    )
    assert alert.started_at == S
    assert alert.details == {"occupied_for_s": DURATION + repeat}
    assert (alert.location, alert.contacts) == (LOCATION, CONTACTS)


def test_duration_while_an_alert_is_open_only_moves_on() -> None:
    station = make_station(room_sensing=True, has_motion=True)
    feed(station, MotionChanged(T0, moving=True), PresenceChanged(T0, present=True))
    run_until(station, S)
    (help_alert,) = feed(station, Pressed(S + sec(10)))
    assert isinstance(help_alert, SendAlert)
    feed(station, Acknowledged(S + sec(20), help_alert.alert_key, "responder-a"))

    assert run_until(station, S + sec(DURATION)) == []
    assert station.state.next_duration == S + sec(2 * DURATION)
    assert station.next_deadline == S + sec(2 * DURATION)
    assert station.phase is Phase.RESPONDER_ATTENDING


def test_stillness_waits_while_an_alert_is_open() -> None:
    station = occupied()
    (help_alert,) = feed(station, Pressed(S + sec(10)))
    assert isinstance(help_alert, SendAlert)
    feed(station, Acknowledged(S + sec(20), help_alert.alert_key, "responder-a"))
    # Only the duration deadline is left; stillness does not start a second ladder.
    assert station.next_deadline == S + sec(DURATION)


def test_a_new_session_rearms_stillness() -> None:
    station = occupied()
    run_until(station, S + sec(STILLNESS))
    answered = S + sec(STILLNESS + 5)
    assert feed(station, ImOk(answered)) == [PromptAnswered(answered, False, Trigger.STILLNESS)]

    # The occupant leaves (no door: presence alone delimits the session) and comes back.
    feed(station, PresenceChanged(answered + sec(10), present=False))
    assert station.phase is Phase.IDLE
    back = answered + sec(20)
    feed(station, PresenceChanged(back, present=True))
    run_until(station, back + sec(CONFIRM))
    assert station.next_deadline == back + sec(CONFIRM + STILLNESS)
    assert run_until(station, back + sec(CONFIRM + STILLNESS)) == [
        Prompt(
            back + sec(CONFIRM + STILLNESS),
            False,
            Trigger.STILLNESS,
            back + sec(CONFIRM + STILLNESS + ANSWER),
        )
    ]


def test_answering_a_stillness_prompt_rearms_stillness_monitoring() -> None:
    station = occupied()
    run_until(station, S + sec(STILLNESS))
    answered = S + sec(STILLNESS + 5)
    feed(station, ImOk(answered))
    # The occupant said they are okay; if they then stay still again, the room asks again.
    assert not station.state.stillness_alerted
    assert station.next_deadline == answered + sec(STILLNESS)
    assert run_until(station, answered + sec(STILLNESS)) == [
        Prompt(
            answered + sec(STILLNESS),
            False,
            Trigger.STILLNESS,
            answered + sec(STILLNESS + ANSWER),
        )
    ]


def test_stillness_is_marked_alerted_only_once_the_alert_is_sent() -> None:
    station = occupied()
    run_until(station, S + sec(STILLNESS + ANSWER))
    assert station.phase is Phase.COUNTDOWN
    assert not station.state.stillness_alerted
    (alert,) = tick_next(station)
    assert isinstance(alert, SendAlert)
    assert station.state.stillness_alerted


def test_im_ok_after_a_stillness_alert_rearms_stillness() -> None:
    station = occupied()
    alert = run_until(station, S + sec(STILLNESS + ANSWER + COUNTDOWN))[-1]
    assert isinstance(alert, SendAlert)
    ok_at = alert.at + sec(30)
    feed(station, ImOk(ok_at))
    assert not station.state.stillness_alerted
    assert station.next_deadline == ok_at + sec(STILLNESS)
    assert run_until(station, ok_at + sec(STILLNESS)) == [
        Prompt(ok_at + sec(STILLNESS), False, Trigger.STILLNESS, ok_at + sec(STILLNESS + ANSWER))
    ]


def test_without_door_presence_lost_ends_the_session() -> None:
    station = occupied()
    assert feed(station, PresenceChanged(S + sec(30), present=False)) == []
    assert station.phase is Phase.IDLE
    assert station.state.session_start is None
    assert station.next_deadline is None


# -- door contact --------------------------------------------------------------------------


def door_session() -> Station:
    """A station with a door contact: the door is closed, session from S."""
    station = make_station(room_sensing=True, has_door=True)
    feed(station, PresenceChanged(T0, present=True))
    run_until(station, S)
    assert station.state.session_start == S
    return station


def test_with_door_open_presence_is_confirmed_again_after_the_door_closes() -> None:
    station = make_station(room_sensing=True, has_door=True)
    feed(station, DoorChanged(T0, open=True), PresenceChanged(T0 + sec(1), present=True))
    assert run_until(station, T0 + sec(60)) == []
    assert station.state.presence_confirmed
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None

    # Presence before the door closed does not count: they may have been on their way out.
    closed = T0 + sec(90)
    assert feed(station, DoorChanged(closed, open=False)) == []
    assert station.phase is Phase.IDLE
    assert station.state.present_since == closed
    assert not station.state.presence_confirmed
    assert station.next_deadline == closed + sec(CONFIRM)

    assert run_until(station, closed + sec(CONFIRM)) == []
    assert station.phase is Phase.OCCUPIED
    assert station.state.session_start == closed + sec(CONFIRM)
    assert station.next_deadline == closed + sec(CONFIRM + STILLNESS)


def test_someone_who_leaves_as_the_door_closes_starts_no_session() -> None:
    station = make_station(room_sensing=True, has_door=True)
    feed(station, DoorChanged(T0, open=True), PresenceChanged(T0 + sec(1), present=True))
    run_until(station, T0 + sec(60))
    closed = T0 + sec(90)
    feed(
        station,
        DoorChanged(closed, open=False),
        PresenceChanged(closed + sec(CONFIRM - 1), present=False),
    )
    assert run_until(station, closed + sec(3600)) == []
    assert station.phase is Phase.IDLE
    assert station.state.session_start is None


def test_door_closing_before_presence_is_confirmed_restarts_the_confirmation() -> None:
    station = make_station(room_sensing=True, has_door=True)
    feed(station, DoorChanged(T0, open=True), PresenceChanged(T0 + sec(1), present=True))
    closed = T0 + sec(2)
    feed(station, DoorChanged(closed, open=False))
    assert station.next_deadline == closed + sec(CONFIRM)
    run_until(station, closed + sec(CONFIRM))
    assert station.state.session_start == closed + sec(CONFIRM)


def test_door_reopened_and_closed_during_a_visit_starts_a_new_session() -> None:
    station = door_session()
    opened, closed = S + sec(50), S + sec(55)
    feed(station, DoorChanged(opened, open=True), DoorChanged(closed, open=False))
    assert station.phase is Phase.IDLE
    run_until(station, closed + sec(CONFIRM))
    assert station.state.session_start == closed + sec(CONFIRM)
    assert station.next_deadline == closed + sec(CONFIRM + STILLNESS)


def test_door_closing_without_confirmed_presence_starts_nothing() -> None:
    station = make_station(room_sensing=True, has_door=True)
    feed(station, DoorChanged(T0, open=True), DoorChanged(T0 + sec(5), open=False))
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_repeated_door_state_is_not_a_change() -> None:
    station = door_session()
    assert feed(station, DoorChanged(S + sec(50), open=False)) == []
    assert station.state.session_start == S


def test_door_opening_ends_the_session() -> None:
    station = door_session()
    assert feed(station, DoorChanged(S + sec(50), open=True)) == []
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_with_door_presence_lost_keeps_the_session() -> None:
    station = door_session()
    feed(station, PresenceChanged(S + sec(50), present=False))
    assert station.phase is Phase.OCCUPIED
    # Without a motion sensor the report counts as movement.
    assert station.next_deadline == S + sec(50 + STILLNESS)


@pytest.mark.parametrize("stage", [Phase.PROMPTING, Phase.COUNTDOWN])
def test_door_opening_answers_stillness_prompt_and_countdown(stage: Phase) -> None:
    station = door_session()
    run_until(station, S + sec(STILLNESS))
    if stage is Phase.COUNTDOWN:
        tick_next(station)
    assert station.phase is stage
    deadline = station.next_deadline
    assert deadline is not None
    opened = deadline - sec(1)
    assert feed(station, DoorChanged(opened, open=True)) == [
        PromptAnswered(opened, False, Trigger.STILLNESS)
    ]
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_door_opening_after_the_alert_tells_responders() -> None:
    station = door_session()
    effects = run_until(station, S + sec(STILLNESS + ANSWER + COUNTDOWN))
    alert = effects[-1]
    assert isinstance(alert, SendAlert)
    opened = alert.at + sec(30)
    assert feed(station, DoorChanged(opened, open=True)) == [
        DoorOpened(opened, False, alert.alert_key)
    ]
    # The alert stays open: reminders continue until someone acknowledges or resolves it.
    assert station.phase is Phase.ALERT
    assert station.next_deadline == alert.at + sec(REMINDER)
