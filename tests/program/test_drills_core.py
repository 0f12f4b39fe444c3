"""The drill policy: what is asked, what counts as heard, the report and the schedule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.brave.core.buttons import LearnedButton
from custom_components.brave.core.drills import (
    Ask,
    Drill,
    DrillButton,
    DrillSchedule,
    InvalidScheduleError,
    Result,
    Skip,
    StationPlan,
    drill_buttons,
)
from custom_components.brave.core.engine.state import InvalidStateError
from custom_components.brave.core.stations import Bindings
from custom_components.brave.core.words.drills import report_texts, room_ask

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)
ZHA = LearnedButton("zha", "a4:c1:38:00:00:00:00:01", help=("single",), answer=("double",))
SOS = LearnedButton("mqtt", "zigbee2mqtt/sos", help=("emergency",))


def test_help_buttons_are_asked_for_their_answer_gesture_only() -> None:
    bindings = Bindings(buttons=("event.b",), answer_gesture="double", learned_buttons=(ZHA, SOS))
    assert drill_buttons(bindings, help_mode=True) == (
        DrillButton("event.b", Ask.GESTURE, "double"),
        DrillButton(ZHA.key, Ask.GESTURE, "double"),
        # Every press of it calls for help: never asked.
        DrillButton(SOS.key, Ask.NOT_ASKED),
    )
    assert drill_buttons(Bindings(buttons=("event.b",)), help_mode=True) == (
        DrillButton("event.b", Ask.NOT_ASKED),
    )


def test_buttons_that_never_call_for_help_are_asked_for_any_press() -> None:
    bindings = Bindings(buttons=("event.b",), learned_buttons=(SOS, ZHA))
    assert [b.ask for b in drill_buttons(bindings, help_mode=False)] == [Ask.ANY] * 3


def _plan(sid: str, *buttons: DrillButton, **flags: bool) -> StationPlan:
    return StationPlan(sid, f"Room {sid}", buttons, flags.pop("room", True), **flags)


def _drill() -> Drill:
    return Drill.start(
        1,
        T0,
        WINDOW,
        [
            _plan("1", DrillButton("event.a", Ask.GESTURE, "double")),
            _plan(
                "2",
                DrillButton("event.b", Ask.GESTURE, "double"),
                DrillButton("event.c", Ask.NOT_ASKED),
            ),
            _plan("3", DrillButton("event.d", Ask.ANY), busy=True),
            _plan("4", DrillButton("event.e", Ask.ANY), paused=True),
            _plan("5"),
            _plan("6", DrillButton("event.f", Ask.ANY), room=False),
        ],
    )


def test_a_drill_hears_each_button_once_within_its_window() -> None:
    drill = _drill()
    assert drill.listening() == {
        "1": ["event.a"],
        "2": ["event.b", "event.c"],
        "3": ["event.d"],
        "4": ["event.e"],
        "6": ["event.f"],
    }
    assert drill.waiting
    assert drill.hear("1", "event.a", T0 + timedelta(minutes=1), called_for_help=False)
    assert not drill.hear("1", "event.a", T0 + timedelta(minutes=2), called_for_help=False)
    # Too late, or a button or station it does not know: not heard.
    assert not drill.hear("2", "event.b", T0 + WINDOW + timedelta(seconds=1), called_for_help=False)
    assert not drill.hear("9", "event.a", T0, called_for_help=False)
    assert not drill.hear("1", "event.z", T0, called_for_help=False)
    # A help press on a button never asked for: it went out as a call for help, and is heard.
    assert drill.hear("2", "event.c", T0 + timedelta(minutes=3), called_for_help=True)
    assert drill.waiting
    assert drill.hear("2", "event.b", T0 + timedelta(minutes=4), called_for_help=False)
    assert drill.hear("6", "event.f", T0 + timedelta(minutes=5), called_for_help=False)
    assert not drill.waiting


def test_the_report_says_what_was_heard_and_what_was_not() -> None:
    drill = _drill()
    drill.hear("1", "event.a", T0 + timedelta(minutes=1), called_for_help=True)
    report = drill.report(T0 + WINDOW)
    assert (report.asked, report.heard, report.result) == (3, 1, Result.SOME_NOT_HEARD)
    found = report.as_dict()
    assert found["prompts_unanswered"] == 1
    by_label = {s["label"]: s for s in found["stations"]}
    assert by_label["Room 1"]["help_called"]
    assert by_label["Room 2"] == {
        "station_id": "2",
        "label": "Room 2",
        "heard": [],
        "not_heard": ["event.b"],
        "not_asked": ["event.c"],
        "asked_in_room": True,
        "prompt_unanswered": True,
        "skipped": None,
        "help_called": False,
    }
    assert [by_label[f"Room {n}"]["skipped"] for n in "345"] == [
        Skip.BUSY,
        Skip.PAUSED,
        Skip.NO_BUTTONS,
    ]
    # No speaker or screen: the room was not asked, so it did not fail to answer.
    assert not by_label["Room 6"]["asked_in_room"]
    assert not by_label["Room 6"]["prompt_unanswered"]
    title, message = report_texts("en", report)
    assert title == "Brave drill 1: buttons heard 1/3"
    assert message == (
        "Not heard: Room 2 (event.b); Room 6 (event.f). Rooms that did not answer: Room 2. "
        "Not asked, every press calls for help (check with a test alert): Room 2. "
        "Left out (alert in progress or paused): Room 3, Room 4. "
        "A help press during the drill went out as a real call for help: Room 1."
    )


def test_report_when_all_or_nothing_is_heard() -> None:
    drill = Drill.start(2, T0, WINDOW, [_plan("1", DrillButton("event.a", Ask.ANY))])
    drill.hear("1", "event.a", T0, called_for_help=False)
    report = drill.report(T0)
    assert report.result is Result.ALL_HEARD
    assert report_texts("fr", report) == (
        "Exercice Brave 2 : boutons entendus 1/1",
        "Tous les boutons demandés ont été entendus.",
    )
    nothing = Drill.start(3, T0, WINDOW, [_plan("1", DrillButton("event.a", Ask.NOT_ASKED))])
    assert nothing.report(T0).result is Result.NOTHING_ASKED
    assert report_texts("es", nothing.report(T0))[1].startswith(
        "No se pudo pedir ninguna pulsación."
    )


def test_a_drill_is_stored_and_read_back() -> None:
    drill = _drill()
    drill.hear("2", "event.c", T0, called_for_help=True)
    again = Drill.load(drill.dump())
    assert again == drill
    assert again.report(T0) == drill.report(T0)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: None,
        lambda d: {**d, "number": "1"},
        lambda d: {**d, "started_at": "2026-11-02T10:00:00"},
        lambda d: {**d, "ends_at": 5},
        lambda d: {**d, "stations": {}},
        lambda d: {**d, "stations": ["x"]},
        lambda d: {**d, "stations": [{**d["stations"][0], "buttons": ["x"]}]},
        lambda d: {**d, "stations": [{**d["stations"][0], "skipped": "tired"}]},
        lambda d: {**d, "stations": [{**d["stations"][0], "station_id": ""}]},
    ],
)
def test_a_stored_drill_that_cannot_be_read_is_refused(mangle: object) -> None:
    assert callable(mangle)
    with pytest.raises((InvalidStateError, ValueError)):
        Drill.load(mangle(_drill().dump()))


def test_the_room_is_asked_for_the_okay_press_by_name() -> None:
    assert "okay press (double)" in room_ask("en", "double", 15)
    assert "A help press still calls for help." in room_ask("en", "double", 15)
    assert room_ask("de", None, 5).endswith(
        "press each of your buttons once in the next 5 minutes."
    )


PARIS = ZoneInfo("Europe/Paris")


def test_the_schedule_runs_on_its_days_at_its_hour_through_summer_time() -> None:
    schedule = DrillSchedule.read(["mon", "thu"], "10:00:00", 20)
    assert schedule == DrillSchedule(frozenset({0, 3}), time(10), timedelta(minutes=20))
    # Saturday 24 October 2026, 12:00: the next is Monday 26 October at 10:00, after the
    # change back from summer time (25 October), still at 10:00 on the wall.
    saturday = datetime(2026, 10, 24, 12, tzinfo=PARIS)
    assert saturday.utcoffset() == timedelta(hours=2)
    start = schedule.next_start(saturday)
    assert start == datetime(2026, 10, 26, 10, tzinfo=PARIS)
    assert start.utcoffset() == timedelta(hours=1)
    # At 10:00 exactly, the next is Thursday's.
    assert schedule.next_start(start) == datetime(2026, 10, 29, 10, tzinfo=PARIS)
    assert schedule.next_start(start - timedelta(seconds=1)) == start


def test_no_days_means_no_schedule_and_bad_settings_are_refused() -> None:
    assert DrillSchedule.read([], None, None) is None
    assert DrillSchedule.read([], None, 15) is None
    for days, at, window in (
        (["mon"], None, 15),
        (["someday"], "10:00", 15),
        (["mon"], "25:00", 15),
        ([], None, 0.5),
        (["mon"], "10:00", 241),
    ):
        with pytest.raises(InvalidScheduleError):
            DrillSchedule.read(days, at, window)
