"""Help button: a press calls for help at once; more presses make it urgent."""

from __future__ import annotations

import pytest

from custom_components.brave.core.engine.effects import (
    AlertClosed,
    Escalate,
    MorePresses,
    OccupantOk,
    PromptAnswered,
    SendAlert,
    Step,
    Trigger,
    Urgency,
)
from custom_components.brave.core.engine.events import (
    Acknowledged,
    ImOk,
    Outcome,
    Pause,
    PresenceChanged,
    PressAction,
    Pressed,
    Resolved,
    SendTest,
    StartCheckIn,
    Tick,
)
from custom_components.brave.core.engine.station import Phase, Station

from .helpers import (
    CONTACTS,
    LOCATION,
    PLAN,
    STATION_ID,
    T0,
    feed,
    kinds,
    make_station,
    only,
    run_until,
    sec,
)

KEY = f"{STATION_ID}-1"
REMINDER, RENOTIFY, INTERVAL = 120, 120, 300


def help_alert(**overrides: object) -> tuple[Station, SendAlert]:
    """A station with a help request sent at T0."""
    station = make_station(**overrides)
    (alert,) = feed(station, Pressed(T0))
    assert isinstance(alert, SendAlert)
    return station, alert


def test_press_sends_a_help_request_at_once_with_details() -> None:
    station = make_station()
    assert feed(station, Pressed(T0)) == [
        SendAlert(
            T0,
            False,
            alert_key=KEY,
            trigger=Trigger.HELP_REQUEST,
            urgency=Urgency.NORMAL,
            started_at=T0,
            details={"presses": 1},
            location=LOCATION,
            contacts=CONTACTS,
            call_emergency_services=False,
            notes=PLAN.notes,
        )
    ]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == T0 + sec(REMINDER)


def test_help_request_keeps_details_back_when_the_station_says_so() -> None:
    _, alert = help_alert(release_on_help=False)
    assert alert.trigger is Trigger.HELP_REQUEST
    assert alert.location is None
    assert alert.contacts is None


def test_second_press_makes_it_urgent_and_every_fifth_renotifies() -> None:
    station, _ = help_alert()
    presses = [feed(station, Pressed(T0 + sec(10 * n))) for n in range(1, 5)]
    assert presses == [
        [MorePresses(T0 + sec(10), False, KEY, Urgency.URGENT, 2)],
        [],
        [],
        [MorePresses(T0 + sec(40), False, KEY, Urgency.URGENT, 5)],
    ]
    assert station.state.ladder is not None
    assert station.state.ladder.details == {"presses": 5}
    # No new alert: the presses belong to the open one.
    assert station.phase is Phase.ALERT


def test_press_renotifies_once_help_renotify_passed_since_the_last_update() -> None:
    # Renotifying every tenth press keeps the press count out of this test.
    station, _ = help_alert(renotify_every_presses=10)
    feed(station, Pressed(T0 + sec(5)))  # urgent, notified at T0+5
    assert feed(station, Pressed(T0 + sec(10))) == []
    assert run_until(station, T0 + sec(RENOTIFY + 5)) == [
        Escalate(T0 + sec(REMINDER), False, KEY, Step.REMINDER, 1)
    ]
    assert feed(station, Pressed(T0 + sec(RENOTIFY + 4))) == []
    assert feed(station, Pressed(T0 + sec(RENOTIFY + 5))) == [
        MorePresses(T0 + sec(RENOTIFY + 5), False, KEY, Urgency.URGENT, 5)
    ]
    assert feed(station, Pressed(T0 + sec(RENOTIFY + 6))) == []


def test_urgent_at_press_is_configurable() -> None:
    station, _ = help_alert(urgent_at_press=3)
    assert feed(station, Pressed(T0 + sec(5))) == []
    assert station.state.ladder is not None
    assert station.state.ladder.urgency is Urgency.NORMAL
    assert feed(station, Pressed(T0 + sec(10))) == [
        MorePresses(T0 + sec(10), False, KEY, Urgency.URGENT, 3)
    ]


def test_renotify_by_time_keeps_a_normal_request_normal() -> None:
    station, _ = help_alert(urgent_at_press=3)
    run_until(station, T0 + sec(RENOTIFY))
    assert feed(station, Pressed(T0 + sec(RENOTIFY))) == [
        MorePresses(T0 + sec(RENOTIFY), False, KEY, Urgency.NORMAL, 2)
    ]


def test_presses_after_the_help_session_start_a_new_request() -> None:
    session = 7200
    station, _ = help_alert()
    feed(station, Acknowledged(T0 + sec(30), KEY, "responder-a"))
    assert only(feed(station, Pressed(T0 + sec(session - 1))), MorePresses) != []

    later = T0 + sec(session)
    assert feed(station, Pressed(later)) == [
        SendAlert(
            later,
            False,
            alert_key=f"{STATION_ID}-2",
            trigger=Trigger.HELP_REQUEST,
            urgency=Urgency.NORMAL,
            started_at=later,
            details={"presses": 1},
            location=LOCATION,
            contacts=CONTACTS,
            call_emergency_services=False,
            notes=PLAN.notes,
        )
    ]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == later + sec(REMINDER)

    # The superseded request is still open at the service; a responder can close it later
    # without touching the new one.
    assert station.state.open_alerts == [KEY, f"{STATION_ID}-2"]
    closed = later + sec(30)
    assert feed(station, Resolved(closed, KEY, Outcome.SAFER_USE)) == [
        AlertClosed(closed, False, KEY, Outcome.SAFER_USE)
    ]
    assert station.state.open_alerts == [f"{STATION_ID}-2"]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == later + sec(REMINDER)


def test_help_press_while_paused_still_calls_for_help() -> None:
    station = make_station(room_sensing=True)
    feed(station, Pause(T0))
    (alert,) = feed(station, Pressed(T0 + sec(1)))
    assert isinstance(alert, SendAlert)
    assert alert.trigger is Trigger.HELP_REQUEST
    assert station.phase is Phase.ALERT


def test_with_help_button_off_a_press_is_a_sign_of_life() -> None:
    station = make_station(help_button=False)
    feed(station, StartCheckIn(T0))
    assert feed(station, Pressed(T0 + sec(100))) == []
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == T0 + sec(100 + INTERVAL)


def test_answer_press_without_an_alert_is_a_sign_of_life() -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    assert feed(station, Pressed(T0 + sec(100), PressAction.ANSWER)) == []
    assert station.next_deadline == T0 + sec(100 + INTERVAL)


def test_answer_press_after_the_alert_means_the_occupant_is_ok() -> None:
    station, _ = help_alert()
    assert feed(station, Pressed(T0 + sec(30), PressAction.ANSWER)) == [
        OccupantOk(T0 + sec(30), False, KEY)
    ]
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_start_check_in_press_starts_a_session() -> None:
    station = make_station()
    assert feed(station, Pressed(T0, PressAction.START_CHECK_IN)) == []
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == T0 + sec(INTERVAL)


def test_start_check_in_press_is_ignored_without_check_in() -> None:
    station = make_station(check_in=False)
    assert feed(station, Pressed(T0, PressAction.START_CHECK_IN)) == []
    assert station.phase is Phase.IDLE
    assert station.next_deadline is None


def test_start_check_in_press_while_an_alert_is_open_starts_a_session() -> None:
    station, _ = help_alert()
    assert feed(station, Pressed(T0 + sec(5), PressAction.START_CHECK_IN)) == []
    assert station.state.check_in_active
    # It is not a further call for help, and the alert keeps everyone's attention.
    assert station.state.ladder is not None
    assert station.state.ladder.presses == 1
    assert station.phase is Phase.ALERT
    assert station.next_deadline == T0 + sec(REMINDER)
    # Once the occupant is okay, the session prompts a full interval later.
    ok_at = T0 + sec(40)
    assert feed(station, ImOk(ok_at)) == [OccupantOk(ok_at, False, KEY)]
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == ok_at + sec(INTERVAL)


@pytest.mark.parametrize("action", [PressAction.ANSWER, PressAction.START_CHECK_IN])
@pytest.mark.parametrize("stage", [Phase.PROMPTING, Phase.COUNTDOWN])
def test_any_other_gesture_answers_an_open_prompt(action: PressAction, stage: Phase) -> None:
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(INTERVAL))
    if stage is Phase.COUNTDOWN:
        run_until(station, T0 + sec(INTERVAL + 60))
    assert station.phase is stage
    deadline = station.next_deadline
    assert deadline is not None
    at = deadline - sec(1)
    assert feed(station, Pressed(at, action)) == [
        PromptAnswered(at, False, Trigger.MISSED_CHECK_IN)
    ]
    assert station.phase is Phase.CHECK_IN
    assert station.next_deadline == at + sec(INTERVAL)


def test_first_help_press_on_an_open_room_alert_makes_it_urgent() -> None:
    station = make_station(room_sensing=True)
    feed(station, PresenceChanged(T0, present=True))
    alert = only(run_until(station, T0 + sec(3 + 180 + 60 + 20)), SendAlert)[-1]
    assert alert.trigger is Trigger.STILLNESS
    # The alert itself was the first call; the occupant's press is the second.
    first, second = alert.at + sec(5), alert.at + sec(6)
    assert feed(station, Pressed(first)) == [
        MorePresses(first, False, alert.alert_key, Urgency.URGENT, 2)
    ]
    assert feed(station, Pressed(second)) == []
    assert station.state.ladder is not None
    assert station.state.ladder.alert_key == alert.alert_key
    assert station.state.ladder.details["presses"] == 3


def test_help_press_on_a_room_alert_older_than_the_help_session_starts_a_new_request() -> None:
    station = make_station(room_sensing=True, help_session=sec(600))
    feed(station, PresenceChanged(T0, present=True))
    alert = only(run_until(station, T0 + sec(3 + 180 + 60 + 20)), SendAlert)[-1]
    feed(station, Acknowledged(alert.at + sec(10), alert.alert_key, "responder-a"))
    # The stillness ladder started when the room went still, at T0+3.
    later = T0 + sec(3 + 600)
    (request,) = feed(station, Pressed(later))
    assert isinstance(request, SendAlert)
    assert (request.trigger, request.alert_key, request.details) == (
        Trigger.HELP_REQUEST,
        f"{STATION_ID}-2",
        {"presses": 1},
    )
    assert station.state.open_alerts == [alert.alert_key, request.alert_key]


def test_send_test_alerts_without_details() -> None:
    station = make_station()
    assert feed(station, SendTest(T0)) == [
        SendAlert(
            T0,
            False,
            alert_key=KEY,
            trigger=Trigger.TEST,
            urgency=Urgency.NORMAL,
            started_at=T0,
            details={},
            location=None,
            contacts=None,
            call_emergency_services=False,
            notes=None,
        )
    ]
    # Visibly a test, not a real alert.
    assert station.phase is Phase.TEST
    # A test travels the whole path, reminders included.
    assert run_until(station, T0 + sec(REMINDER)) == [
        Escalate(T0 + sec(REMINDER), False, KEY, Step.REMINDER, 1)
    ]


def test_send_test_is_ignored_while_an_alert_is_open() -> None:
    station, _ = help_alert()
    assert feed(station, SendTest(T0 + sec(5))) == []
    assert station.state.alert_seq == 1


def test_im_ok_after_a_help_request_stops_it_but_leaves_it_for_responders() -> None:
    station, _ = help_alert()
    assert feed(station, ImOk(T0 + sec(40))) == [OccupantOk(T0 + sec(40), False, KEY)]
    assert station.next_deadline is None
    assert station.state.open_alerts == [KEY]
    # A later press is a new request.
    (again,) = feed(station, Pressed(T0 + sec(50)))
    assert isinstance(again, SendAlert)
    assert again.alert_key == f"{STATION_ID}-2"


def test_help_press_during_an_open_test_alert_closes_the_test_and_calls_for_help() -> None:
    station = make_station()
    feed(station, SendTest(T0))
    pressed = T0 + sec(10)
    help_key = f"{STATION_ID}-2"
    assert feed(station, Pressed(pressed)) == [
        AlertClosed(pressed, False, KEY, Outcome.TEST),
        SendAlert(
            pressed,
            False,
            alert_key=help_key,
            trigger=Trigger.HELP_REQUEST,
            urgency=Urgency.NORMAL,
            started_at=pressed,
            details={"presses": 1},
            location=LOCATION,
            contacts=CONTACTS,
            call_emergency_services=False,
            notes=PLAN.notes,
        ),
    ]
    assert station.state.open_alerts == [help_key]
    assert station.phase is Phase.ALERT
    assert station.next_deadline == pressed + sec(REMINDER)
    # Further presses count toward the real request.
    assert feed(station, Pressed(pressed + sec(1))) == [
        MorePresses(pressed + sec(1), False, help_key, Urgency.URGENT, 2)
    ]
    # The closed test cannot be closed again.
    assert feed(station, Resolved(pressed + sec(2), KEY, Outcome.TEST)) == []


def test_help_press_during_an_acknowledged_test_alert_calls_for_help() -> None:
    station = make_station()
    feed(station, SendTest(T0), Acknowledged(T0 + sec(5), KEY, "responder-a"))
    effects = feed(station, Pressed(T0 + sec(10)))
    assert kinds(effects) == ["AlertClosed", "SendAlert"]
    assert station.phase is Phase.ALERT


@pytest.mark.parametrize("trigger", [Trigger.HELP_REQUEST, Trigger.STILLNESS])
def test_with_urgent_at_press_one_the_urgency_is_always_told(trigger: Trigger) -> None:
    station = make_station(room_sensing=True, urgent_at_press=1)
    if trigger is Trigger.HELP_REQUEST:
        effects = feed(station, Pressed(T0))
    else:
        feed(station, PresenceChanged(T0, present=True))
        effects = run_until(station, T0 + sec(3 + 180 + 60 + 20))
    (alert,) = only(effects, SendAlert)
    assert alert.trigger is trigger
    effects += feed(station, Pressed(alert.at + sec(5)))
    assert station.state.ladder is not None
    assert station.state.ladder.urgency is Urgency.URGENT
    told = [e.urgency for e in effects if isinstance(e, (SendAlert, MorePresses))]
    assert Urgency.URGENT in told


@pytest.mark.parametrize("stage", [Phase.PROMPTING, Phase.COUNTDOWN])
def test_a_help_gesture_during_a_prompt_calls_for_help_at_once(stage: Phase) -> None:
    """A help gesture never cancels a call for help: it is one, and shows the person is
    responsive, so the prompt ends and their own help request goes out at once."""
    station = make_station()
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(INTERVAL))
    if stage is Phase.COUNTDOWN:
        run_until(station, T0 + sec(INTERVAL + 60))
    assert station.phase is stage
    deadline = station.next_deadline
    assert deadline is not None
    at = deadline - sec(1)
    effects = feed(station, Pressed(at, PressAction.HELP))
    assert kinds(effects) == ["SendAlert"]
    (alert,) = only(effects, SendAlert)
    assert (alert.trigger, alert.at, alert.alert_key) == (
        Trigger.HELP_REQUEST,
        at,
        f"{STATION_ID}-2",
    )
    assert station.phase is Phase.ALERT
    # The prompt's own alert never follows: only the help request's ladder runs.
    later = run_until(station, at + sec(3600))
    assert {e.alert_key for e in only(later, Escalate)} == {alert.alert_key}
    assert only(later, SendAlert) == []


def test_on_a_station_without_help_mode_any_press_answers_a_prompt() -> None:
    station = make_station(help_button=False)
    feed(station, StartCheckIn(T0))
    run_until(station, T0 + sec(INTERVAL))
    at = T0 + sec(INTERVAL + 5)
    assert feed(station, Pressed(at, PressAction.HELP)) == [
        PromptAnswered(at, False, Trigger.MISSED_CHECK_IN)
    ]


def test_a_storm_of_presses_tells_responders_at_most_every_renotify_minimum() -> None:
    """10,000 presses in a second: one "urgent", then the count once the limit allows."""
    station, _ = help_alert()
    storm = feed(station, *(Pressed(T0 + sec(1 + n / 10_000)) for n in range(10_000)))
    assert storm == [MorePresses(T0 + sec(1), False, KEY, Urgency.URGENT, 2)]
    assert station.next_deadline == T0 + sec(31)
    assert feed(station, Tick(T0 + sec(31))) == [
        MorePresses(T0 + sec(31), False, KEY, Urgency.URGENT, 10_001)
    ]
    # Nothing more is owed until more presses come.
    assert station.next_deadline == T0 + sec(REMINDER)
    assert station.state.ladder is not None
    assert station.state.ladder.details == {"presses": 10_001}


def test_presses_after_the_limit_renotify_at_once() -> None:
    station, _ = help_alert()
    feed(station, Pressed(T0 + sec(1)))  # urgent
    quick = [feed(station, Pressed(T0 + sec(2 + n))) for n in range(3)]
    assert quick == [[], [], []]
    assert station.state.ladder is not None
    assert station.state.ladder.renotify_pending
    # The fifth press came within the limit: it is told at the limit, not at the press.
    assert feed(station, Tick(T0 + sec(31))) == [
        MorePresses(T0 + sec(31), False, KEY, Urgency.URGENT, 5)
    ]
    assert feed(station, *(Pressed(T0 + sec(40 + n)) for n in range(4))) == []
    assert feed(station, Pressed(T0 + sec(70))) == [
        MorePresses(T0 + sec(70), False, KEY, Urgency.URGENT, 10)
    ]
