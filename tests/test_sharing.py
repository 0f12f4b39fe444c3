"""The "what's shared" page follows the station's configuration (core/sharing.py, pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from custom_components.brave.core.engine.config import (
    Location,
    ReleaseDetails,
    RescuePlan,
    StationConfig,
    Timers,
)
from custom_components.brave.core.sharing import Section, what_is_shared

BARE = StationConfig(station_id="s1", label="Room 7", release=ReleaseDetails(Location("Room 7")))


def _lines(config: StationConfig, people: dict[str, int] | None = None) -> dict[str, list[str]]:
    sections = what_is_shared(config, people or {}, "en")
    assert all(isinstance(s, Section) and s.lines for s in sections)
    return {s.heading: list(s.lines) for s in sections}


def test_no_details_set_means_only_the_rooms_name() -> None:
    page = _lines(BARE)
    assert page["When help is needed"] == [
        "No address, contact or note is set, so only the room's name ever goes."
    ]
    assert page["Device problems"] == [
        (
            "If a device needs attention (a low battery, say), the device contacts (nobody set "
            "yet) learn which device, never anything about you."
        )
    ]
    assert page["While all is well"][1] == (
        "When an alert starts, the volunteer dispatch service and your first responders "
        "(nobody set yet) learn only the room's name (Room 7), the kind of alert and the times."
    )


def test_a_station_without_a_help_button_or_check_ins_but_with_a_radar() -> None:
    config = replace(BARE, help_button=False, check_in=False, room_sensing=True, has_door=True)
    page = _lines(config)
    assert page["What this station notices"] == [
        "Your button: a press answers a check-in.",
        ("A radar: whether someone is in the room and moving. It has no camera and no microphone."),
        "The door: open or closed.",
        "Voice: if you talk to a voice assistant, Brave only gets the request you said.",
    ]
    # Nothing is said about the button still calling for help: it does not.
    assert page["When you pause"] == ["A pause ends by itself after 60 minutes."]


def test_help_that_keeps_the_details_here() -> None:
    config = replace(
        BARE,
        release_on_help=False,
        release=ReleaseDetails(Location("Room 7", access_notes="Side door")),
        rescue_plan=RescuePlan(groups=("staff",), call_emergency_services=True),
        timers=Timers(auto_resume=timedelta(0)),
    )
    page = _lines(config, {"staff": 3})
    assert page["When help is needed"] == [
        (
            "If you don't answer and the countdown ends, staff (3) also get your address and "
            "access notes."
        ),
        (
            "When you call for help, only the room's name goes: you chose to keep your details "
            "here then."
        ),
    ]
    # Without the dispatch service nothing waits for it.
    assert page["If the internet or the dispatch service is down"] == [
        "Nobody in the building is set up to hear alerts while the internet is down."
    ]
    assert page["Emergency services"] == ["Your plan lets responders call emergency services."]
    assert page["When you pause"][1] == "A pause lasts until you turn monitoring back on."


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_language_has_every_line(language: str) -> None:
    config = replace(
        BARE,
        room_sensing=True,
        has_door=True,
        release_on_help=False,
        release=ReleaseDetails(Location("Room 7", address="x")),
        rescue_plan=RescuePlan(groups=("dispatch", "first_responders", "staff"), notes="n"),
    )
    people = {"first_responders": 1, "staff": 2, "fallback": 1, "local_fallback": 1}
    sections = what_is_shared(config, people, language)
    text = " ".join(s.heading + " " + " ".join(s.lines) for s in sections)
    assert "{" not in text
    assert "Room 7" in text
    # The details themselves never show.
    assert " x " not in text
    assert " n " not in text
