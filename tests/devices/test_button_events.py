"""Learned buttons: reading ZHA events and Zigbee2MQTT messages (tests/fixtures/buttons)."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.brave.core.buttons import (
    ButtonPress,
    LearnedButton,
    action_for,
    gesture_options,
    learned_buttons,
    normalise_ieee,
    z2m_press,
    z2m_report,
    zha_press,
)
from custom_components.brave.core.engine.events import PressAction

BUTTONS = Path(__file__).parents[1] / "fixtures" / "buttons"
FIXTURES = {
    path.stem: json.loads(path.read_text(encoding="utf-8")) for path in BUTTONS.glob("*.json")
}


def _cases(stack: str) -> list[Any]:
    return [
        pytest.param(case, id=f"{name}-{i}")
        for name, fixture in sorted(FIXTURES.items())
        for i, case in enumerate(fixture[stack])
    ]


def test_every_model_has_fixtures() -> None:
    assert len(FIXTURES) == 10
    assert all(f["zha"] and f["z2m"] for f in FIXTURES.values())


@pytest.mark.parametrize("case", _cases("zha"))
def test_zha_event_data(case: dict[str, Any]) -> None:
    press = zha_press(case["data"])
    assert press == ButtonPress("zha", case["data"]["device_ieee"], case["gesture"])


@pytest.mark.parametrize("case", _cases("z2m"))
def test_z2m_message(case: dict[str, Any]) -> None:
    press = z2m_press(case["topic"], case["payload"].encode())
    assert press is not None
    assert press.source == "mqtt"
    assert press.gesture == case["gesture"]
    assert press.key == case["topic"].removesuffix("/action")


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("zigbee2mqtt/Room 1 button", '{"action": "", "battery": 100}'),
        ("zigbee2mqtt/Room 1 button", '{"battery": 100}'),
        ("zigbee2mqtt/Room 1 button/action", ""),
        ("zigbee2mqtt/Room 1 button", "not json"),
        ("zigbee2mqtt/bridge/state", "online"),
        ("zigbee2mqtt/Room 1 button", '["single"]'),
        ("zigbee2mqtt/Room 1 button", '{"action": null}'),
    ],
)
def test_z2m_messages_that_are_no_press(topic: str, payload: str) -> None:
    assert z2m_press(topic, payload) is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"device_ieee": "a4:c1:38:85:a8:b5:4c:d1"},
        {"command": "single"},
        {"device_ieee": "nonsense", "command": "single"},
        {"device_ieee": "a4:c1:38:85:a8:b5:4c:d1", "command": ""},
    ],
)
def test_zha_events_that_are_no_press(data: dict[str, Any]) -> None:
    assert zha_press(data) is None


@pytest.mark.parametrize(
    "spelling",
    ["a4:c1:38:85:a8:b5:4c:d1", "A4:C1:38:85:A8:B5:4C:D1", "0xa4c13885a8b54cd1"],
)
def test_ieee_spellings(spelling: str) -> None:
    assert normalise_ieee(spelling) == "a4:c1:38:85:a8:b5:4c:d1"


@pytest.mark.parametrize(
    "spelling",
    [
        "a4:c1:38:85:a8:b5:4c:d1:00",  # nine bytes
        "0xa4c13885a8b54cd100",  # eighteen digits: refused, never cut to sixteen
        "a4:c1",
        "0x",
        "",
        "a4-c1-38-85-a8-b5-4c-d1",
        "zz:c1:38:85:a8:b5:4c:d1",
        "\u0661\u0662:c1:38:85:a8:b5:4c:d1",  # other scripts' digits
        "a4:c1:38:85:a8:b5:4c:d",
    ],
)
def test_ieee_misspellings_are_refused(spelling: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(spelling)}$"):
        normalise_ieee(spelling)


def test_zha_event_from_a_nine_byte_address_is_ignored() -> None:
    data = {"device_ieee": "a4:c1:38:85:a8:b5:4c:d1:00", "command": "remote_button_short_press"}
    assert zha_press(data) is None


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, None, id="100000-nested-arrays"),
        pytest.param(b'{"action": ' + b"[" * 5000 + b"]" * 5000 + b"}", None, id="nested-action"),
        pytest.param(b'{"action": "single", "battery": NaN}', None, id="nan"),
        pytest.param(b'{"action": "single"}', "single", id="plain"),
    ],
)
def test_z2m_payloads_past_any_parser_limit(payload: bytes, expected: str | None) -> None:
    press = z2m_press("zigbee2mqtt/SOS", payload)
    assert (press.gesture if press else None) == expected
    assert z2m_report("zigbee2mqtt/SOS", payload) is None


def test_stored_buttons_of_the_wrong_shape_are_left_out() -> None:
    ieee = "a4:c1:38:85:a8:b5:4c:d1"
    assert learned_buttons({"source": "zha", "ieee": ieee}) == ()
    assert learned_buttons(None) == ()
    [button] = learned_buttons(
        [
            "zha",
            {"source": "zha", "ieee": 5},
            {"source": "mqtt", "topic": ["zigbee2mqtt/SOS"]},
            {"source": "zha", "ieee": ieee, "help": "single", "answer": [1, "double", None]},
        ]
    )
    assert button == LearnedButton("zha", ieee, answer=("double",))


def test_gestures_map_to_actions() -> None:
    [zha, mqtt] = learned_buttons(
        [
            {
                "source": "zha",
                "ieee": "A4:C1:38:85:A8:B5:4C:D1",
                "help": ["emergency", "remote_button_short_press"],
                "answer": ["remote_button_double_press"],
                "start_check_in": ["remote_button_long_press"],
            },
            {"source": "mqtt", "topic": "zigbee2mqtt/SOS", "help": ["single"], "answer": []},
            {"source": "zha"},  # unreadable: left out
            {"source": "other", "ieee": "a4:c1:38:85:a8:b5:4c:d1"},
        ]
    )
    ieee = "a4:c1:38:85:a8:b5:4c:d1"
    assert zha.key == ieee
    assert action_for([zha, mqtt], ButtonPress("zha", ieee, "emergency")) is PressAction.HELP
    assert (
        action_for([zha], ButtonPress("zha", ieee, "remote_button_double_press"))
        is PressAction.ANSWER
    )
    assert (
        action_for([zha], ButtonPress("zha", ieee, "remote_button_long_press"))
        is PressAction.START_CHECK_IN
    )
    # A gesture listed nowhere, another device, another stack: nothing.
    assert action_for([zha], ButtonPress("zha", ieee, "shake")) is None
    assert action_for([zha], ButtonPress("zha", "00:15:8d:00:01:e8:11:aa", "emergency")) is None
    assert action_for([zha, mqtt], ButtonPress("mqtt", "zigbee2mqtt/SOS", "single")) is (
        PressAction.HELP
    )
    assert mqtt.as_dict() == {
        "source": "mqtt",
        "topic": "zigbee2mqtt/SOS",
        "help": ["single"],
        "answer": [],
        "start_check_in": [],
    }
    assert LearnedButton("zha", ieee, help=("on",)).as_dict()["ieee"] == ieee


def test_gesture_options_put_the_captured_one_first() -> None:
    assert gesture_options("mqtt", "double") == ["double", "single", "triple", "hold", "long"]
    assert gesture_options("zha", "emergency")[0] == "emergency"
