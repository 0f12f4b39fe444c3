"""Station files, pure: reading, the problems named by line and field, what an import changes."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.brave.core.buttons import LearnedButton
from custom_components.brave.core.provisioning import (
    CurrentStation,
    ImportPlan,
    export_text,
    guess_format,
    looks_like_export,
    plan_import,
)
from custom_components.brave.core.station_fields import (
    FieldError,
    learned_button_text,
    parse_learned_button,
)
from custom_components.brave.core.station_file import MAX_CHARACTERS, FileFormat, Problem
from custom_components.brave.core.station_rules import station_problems
from custom_components.brave.core.words import LANGUAGES
from custom_components.brave.core.words.provisioning import _MESSAGES, problem_text

from ..conftest import station_data

CSV = FileFormat.CSV
YAML = FileFormat.YAML
AREAS = {"floor_1": "Floor 1", "floor_2": "Floor 2"}
HEADER = "station,name,area,tts,media_player,presence,room_sensing,contacts,stillness"


def _plan(text: str, fmt: FileFormat = CSV, current: list[CurrentStation] | None = None) -> Any:
    return plan_import(text, fmt, current or [], AREAS, lambda e: not e.endswith("missing"))


def _where(plan: ImportPlan) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.code) for p in plan.problems]


def _room(key: str = "sub1", **changes: Any) -> CurrentStation:
    data = station_data()
    return CurrentStation(key, changes.pop("unique_id", None), "Room 1", data, changes)


SPEAKER = "tts.speech,media_player.room"


def test_a_new_building_from_csv() -> None:
    plan = _plan(
        f"{HEADER}\n"
        f"r101,Room 101,Floor 1,{SPEAKER},binary_sensor.r101,true,,240\n"
        f'r102,Room 102,floor_2,{SPEAKER},,false,"Alex, +15555550123, friend",\n'
    )
    assert plan.valid, plan.problems
    first, second = plan.added
    assert (first.key, first.title, first.timers) == ("r101", "Room 101", {"stillness": 240.0})
    assert first.data["area"] == "floor_1"
    assert first.data["modes"] == {
        "help_button": True,
        "check_in": True,
        "room_sensing": True,
        "release_on_help": True,
    }
    assert first.data["sensors"] == {"presence": "binary_sensor.r101"}
    assert first.data["prompts"] == {
        "tts": "tts.speech",
        "media_player": "media_player.room",
        "no_prompt_channel": False,
    }
    assert first.data["rescue_plan"] == {
        "responder_groups": ["dispatch", "first_responders"],
        "call_emergency_services": False,
    }
    assert second.data["area"] == "floor_2"
    assert second.data["release"] == {"contacts": "Alex, +15555550123, friend"}
    # An empty timer is the default: nothing stored.
    assert second.timers == {}


def test_every_problem_is_named_by_line_and_field_and_nothing_is_planned() -> None:
    plan = _plan(
        f"{HEADER},colour\n"
        f"r101,Room 101,Floor 9,{SPEAKER},light.r101,maybe,,20,red\n"
        f"r102,,,{SPEAKER},,,,,\n"
        f"r103,Room 103,,tts.speech,,,,,,\n"
        f"r101,Room 101 again,,{SPEAKER},,,,,\n"
        f"r104,Room 104,,{SPEAKER},,\n"
        f'r105,Room 105,,{SPEAKER},,,"Alex, +1555\nSam",,\n'
        f"r106,Room 106,,{SPEAKER},,,,,\n"
    )
    assert not plan.valid
    assert plan.added == plan.changed == ()
    assert _where(plan) == [
        (1, "colour", "unknown_field"),
        (2, "area", "unknown_area"),
        (2, "presence", "entity_domain"),
        (2, "room_sensing", "not_switch"),
        (2, "stillness", "timer_range"),
        (3, "name", "name_required"),
        (4, "tts / media_player", "speaker_incomplete"),
        (5, "station", "duplicate_station"),
        (6, "", "cell_count"),
        (7, "contacts", "contact_line"),
    ]
    # A record over two lines: the next one is numbered as an editor shows it.
    assert plan.problems[-1].detail == ("2",)


def test_problems_are_told_in_the_sites_language() -> None:
    problem = Problem(12, "presence", "entity_domain", ("binary_sensor",))
    assert problem_text("en", problem) == ("Line 12, presence: expected an entity of binary_sensor")
    assert problem_text("fr", problem) == (
        "Ligne 12, presence: une entité de binary_sensor est attendue"
    )
    assert problem_text("xx", Problem(0, "", "too_large", ("9",))) == (
        "the file is larger than 9 characters"
    )
    assert problem_text("es", Problem(3, "", "not_a_list")) == (
        "Línea 3: se espera una lista de estaciones"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_problem_has_words_in_every_language(language: str) -> None:
    assert set(_MESSAGES[language]) == set(_MESSAGES["en"])
    for code in _MESSAGES["en"]:
        if code != "line":
            assert problem_text(language, Problem(1, "f", code, ("a", "b")))


def test_yaml_problems_name_their_lines() -> None:
    text = """\
stations:
  - station: r101
    name: Room 101
    nmae: typo
    tts: tts.speech
    media_player: media_player.room
    buttons: [event.a, button.b]
    name: Again
  - station: r102
    name: Room 102
    light: {entity: light.x}
    no_prompt_channel: yes please
  - just text
"""
    plan = _plan(text, YAML)
    assert _where(plan) == [
        (4, "nmae", "unknown_field"),
        (8, "name", "duplicate_field"),
        (11, "light", "not_text"),
        (12, "no_prompt_channel", "not_switch"),
        (13, "", "not_a_station"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stations: [\n  {station: a,\n", [(3, "", "syntax")]),
        ("stations: 5\n", [(1, "", "not_a_list")]),
        ("rooms: []\n", [(1, "rooms", "unknown_field")]),
        ("- a\n---\n- b\n", [(2, "", "syntax")]),
        ("stations: [\x07]\n", [(0, "", "syntax")]),
        ("- station: ''\n  name: Room\n", [(1, "station", "key_required")]),
        ("- station: '#1'\n  name: Room\n", [(1, "station", "invalid_key")]),
        ("- station: [a, b]\n  name: Room\n", [(1, "station", "invalid_key")]),
        ("- name: Room\n", [(1, "station", "key_required")]),
    ],
)
def test_yaml_structure_problems(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert _where(_plan(text, YAML)) == expected


def test_an_empty_file_changes_nothing_and_lists_every_station() -> None:
    for text, fmt in (("", YAML), ("stations:\n", YAML), ("# nothing\n", CSV), ("", CSV)):
        plan = _plan(text, fmt, [_room()])
        assert plan.valid
        assert plan.changes == 0
        assert [(s.key, s.title) for s in plan.not_in_file] == [("sub1", "Room 1")]


def test_a_field_the_file_does_not_give_is_left_as_it_is() -> None:
    room = _room(unique_id="r1", stillness=240.0)
    plan = _plan("station,presence,room_sensing\nr1,binary_sensor.radar,true\n", CSV, [room])
    assert plan.valid
    [change] = plan.changed
    assert change.fields == ("room_sensing", "presence")
    assert change.title == "Room 1"
    # Everything else of the station, personal fields included, is kept.
    assert change.data["release"] == station_data()["release"]
    assert change.data["sensors"]["presence"] == "binary_sensor.radar"
    assert change.timers == {"stillness": 240.0}


def test_an_empty_value_clears_a_field_or_sets_its_default() -> None:
    room = _room(stillness=240.0)
    plan = _plan(
        "station,address,buttons,stillness,help_button,responder_groups\nsub1,,,,,\n",
        CSV,
        [room],
    )
    [change] = plan.changed
    assert change.fields == ("buttons", "address", "stillness")
    assert "address" not in change.data["release"]
    assert "buttons" not in change.data["sensors"]
    # Switches and groups go back to the form's defaults; the timer to the engine's.
    assert change.data["modes"]["help_button"] is True
    assert change.data["rescue_plan"]["responder_groups"] == ["dispatch", "first_responders"]
    assert change.timers == {}


def test_stations_are_found_by_their_key_or_their_id() -> None:
    stations = [_room("sub1", unique_id="r101"), _room("sub2"), _room("sub3")]
    plan = _plan("station,name\nr101,Room 101\nsub2,Room 1\nsub1,Twice\n", CSV, stations)
    assert _where(plan) == [(4, "station", "duplicate_station")]
    plan = _plan("station,name,check_in\nr101,Room 101,\nsub2,Room 1,\nnew,New,no\n", CSV, stations)
    assert [c.subentry_id for c in plan.changed] == ["sub1"]
    assert [(s.key, s.title) for s in plan.unchanged] == [("sub2", "Room 1")]
    assert [(s.key, s.title) for s in plan.added] == [("new", "New")]
    assert [(s.key, s.title) for s in plan.not_in_file] == [("sub3", "Room 1")]


def test_the_station_rules_apply_to_the_station_as_it_would_be() -> None:
    room = _room()
    # Turning room sensing on without a presence sensor.
    plan = _plan("station,room_sensing\nsub1,true\n", CSV, [room])
    assert _where(plan) == [(2, "room_sensing / presence", "presence_required")]
    # A new check-in station needs a way to ask, or the explicit choice of none.
    plan = _plan("station,name\nr1,Room\n", CSV)
    assert _where(plan) == [
        (2, "tts / media_player / light / notify / no_prompt_channel", "prompt_channel_required")
    ]
    plan = _plan("station,name,no_prompt_channel\nr1,Room,true\n", CSV)
    assert plan.valid
    plan = _plan("station,name,check_in\nr1,Room,false\n", CSV)
    assert plan.valid


def test_unknown_entities_are_warnings_not_errors() -> None:
    plan = _plan('station,name,light,buttons\nr1,Room,light.missing,"event.a, event.b_missing"\n')
    assert plan.valid
    assert [(w.line, w.field, w.detail) for w in plan.warnings] == [
        (2, "light", ("light.missing",)),
        (2, "buttons", ("event.b_missing",)),
    ]


def test_an_area_by_name_or_id_and_a_station_keeps_a_removed_one() -> None:
    gone = CurrentStation("sub1", None, "Room 1", {**station_data(), "area": "old"}, {})
    plan = _plan("station,area\nsub1,old\n", CSV, [gone])
    assert plan.valid
    assert plan.changes == 0
    plan = _plan("station,area\nsub1,FLOOR 2\n", CSV, [gone])
    assert plan.changed[0].data["area"] == "floor_2"
    # Exported by name when the area exists, by id when it no longer does.
    text = export_text([gone], CSV, personal=False, areas=AREAS, site="Site")
    assert "sub1,Room 1,old," in text


def test_switches_groups_and_lists() -> None:
    plan = _plan(
        "station,name,no_prompt_channel,check_in,responder_groups,buttons\n"
        'r1,Room,YES,off,"staff, dispatch staff",event.a event.b\tevent.a\n'
    )
    [new] = plan.added
    assert new.data["modes"]["check_in"] is False
    assert new.data["rescue_plan"]["responder_groups"] == ["staff", "dispatch"]
    assert new.data["sensors"]["buttons"] == ["event.a", "event.b"]
    plan = _plan("station,name,responder_groups,buttons\nr1,Room,police,Event.A\n")
    assert _where(plan) == [
        (2, "responder_groups", "unknown_group"),
        (2, "buttons", "not_entity"),
    ]


@pytest.mark.parametrize(
    ("line", "button"),
    [
        (
            "A4:C1:38:85:A8:B5:4C:D1; help=remote_button_short_press",
            LearnedButton("zha", "a4:c1:38:85:a8:b5:4c:d1", help=("remote_button_short_press",)),
        ),
        (
            "0xa4c13885a8b54cd1;answer=double, single ;start_check_in=hold",
            LearnedButton(
                "zha",
                "a4:c1:38:85:a8:b5:4c:d1",
                answer=("double", "single"),
                start_check_in=("hold",),
            ),
        ),
        (
            "zigbee2mqtt/Room 101 button/; help=single; answer=attribute_updated:2",
            LearnedButton(
                "mqtt",
                "zigbee2mqtt/Room 101 button",
                help=("single",),
                answer=("attribute_updated:2",),
            ),
        ),
    ],
)
def test_learned_buttons(line: str, button: LearnedButton) -> None:
    assert parse_learned_button(line) == button
    assert parse_learned_button(learned_button_text(button)) == button


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("button 1; help=single", "learned_device"),
        ("a4:c1:38:85:a8:b5:4c; help=single", "learned_device"),
        ("zigbee2mqtt/b; press=single", "learned_role"),
        ("zigbee2mqtt/b; help single", "learned_role"),
        ("zigbee2mqtt/b; help=a; help=b", "learned_role"),
        ("zigbee2mqtt/b", "learned_gestures"),
        ("zigbee2mqtt/b; help=", "learned_gestures"),
    ],
)
def test_learned_button_problems(line: str, code: str) -> None:
    with pytest.raises(FieldError) as err:
        parse_learned_button(line)
    assert err.value.code == code


def test_learned_buttons_in_a_yaml_list_or_lines() -> None:
    text = """\
- station: r1
  name: Room
  check_in: false
  learned_buttons:
    - a4:c1:38:85:a8:b5:4c:d1; help=remote_button_short_press
    - zigbee2mqtt/r1; help=single
- station: r2
  name: Room 2
  check_in: false
  learned_buttons: |
    a4:c1:38:85:a8:b5:4c:d2; help=remote_button_short_press
"""
    plan = _plan(text, YAML)
    assert plan.valid, plan.problems
    assert plan.added[0].data["sensors"]["learned_buttons"] == [
        {
            "source": "zha",
            "ieee": "a4:c1:38:85:a8:b5:4c:d1",
            "help": ["remote_button_short_press"],
            "answer": [],
            "start_check_in": [],
        },
        {
            "source": "mqtt",
            "topic": "zigbee2mqtt/r1",
            "help": ["single"],
            "answer": [],
            "start_check_in": [],
        },
    ]
    assert len(plan.added[1].data["sensors"]["learned_buttons"]) == 1


def test_personal_fields_only_when_asked_and_marked() -> None:
    room = _room()
    for fmt in FileFormat:
        private = export_text([room], fmt, personal=True, areas={}, site="Maple\nHouse")
        assert private.startswith("# personal fields included: plan_notes, address, unit")
        assert "12 Example Street" in private
        assert "Alex" in private
        assert looks_like_export(private.splitlines()[0])
        shared = export_text([room], fmt, personal=False, areas={}, site="Maple House")
        # The first line names the fields left out; no value of theirs is in the file.
        body = shared.split("\n", 1)[1] if fmt is YAML else shared
        for personal in ("12 Example Street", "Alex", "Code 1234", "naloxone", "address"):
            assert personal not in body
        assert looks_like_export(shared.splitlines()[0])
        # Importing a file without them leaves them as they are.
        plan = plan_import(shared, fmt, [room], {})
        assert plan.valid
        assert plan.changes == 0
    assert "Maple House" in export_text([room], YAML, personal=True, areas={}, site="Maple\nHouse")


def test_guessing_a_pasted_files_format() -> None:
    assert guess_format("\ufeff# personal fields included\nstation,name\n") is CSV
    assert guess_format("name,station\n") is CSV
    assert guess_format("stations:\n- station: a\n") is YAML
    assert guess_format("- station: a, b\n") is YAML
    assert guess_format("") is YAML


def test_what_an_export_begins_with() -> None:
    assert looks_like_export("")
    assert looks_like_export("station,name,area\n")
    assert looks_like_export("# Brave stations of Home.")
    assert not looks_like_export("homeassistant:\n")
    assert not looks_like_export("# Loads default set of integrations.")


def test_a_spreadsheets_byte_order_mark_and_comments_before_the_header() -> None:
    plan = _plan("\ufeff# personal fields included\n\nstation,name,check_in\nr1,# Room,no\n,,\n")
    assert plan.valid
    assert plan.added[0].title == "# Room"


def test_a_file_too_large_is_refused_whole() -> None:
    plan = _plan("x" * (MAX_CHARACTERS + 1), YAML)
    assert _where(plan) == [(0, "", "too_large")]


def test_csv_quoting_problems_are_syntax() -> None:
    plan = _plan('station,name\nr1,"Room\n', CSV)
    assert [(p.code, p.field) for p in plan.problems] == [("syntax", "")]


def test_a_header_with_a_column_twice() -> None:
    plan = _plan("station,name,Name\nsub1,A,B\n", CSV, [_room()])
    assert _where(plan) == [(1, "name", "duplicate_field")]


def test_a_name_cannot_be_cleared() -> None:
    plan = _plan("station,name\nsub1,\n", CSV, [_room()])
    assert _where(plan) == [(2, "name", "name_required")]


def test_the_station_form_and_files_share_the_rules() -> None:
    data = station_data(room_sensing=True)
    data["sensors"].pop("presence")
    data["prompts"] = {"tts": "tts.speech"}
    data["rescue_plan"]["responder_groups"] = []
    data["release"]["contacts"] = "just a name"
    assert [p.code for p in station_problems(data)] == [
        "presence_required",
        "speaker_incomplete",
        "responders_required",
        "invalid_contacts",
    ]
    assert station_problems(station_data()) == []
