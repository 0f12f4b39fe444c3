"""Learned buttons: reading ZHA events and Zigbee2MQTT messages (tests/fixtures/buttons)."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import pytest

from custom_components.brave.devices.button_events import (
    ButtonPress,
    LearnedButton,
    action_for,
    gesture_options,
    learned_buttons,
    normalise_ieee,
    z2m_press,
    zha_press,
)
from custom_components.brave.engine.events import PressAction

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
        "a4:c1",
        "a4:c1:38:85:a8:b5:4c:d1:ff",
        "0xa4c13885a8b54cd1ff",
        "0xa4c1",
        "zz:c1:38:85:a8:b5:4c:d1",
        "a4c:1:38:85:a8:b5:4c:d1",
        "a4c13885a8b54cd1",
        "",
    ],
)
def test_ieee_spellings_that_are_no_address(spelling: str) -> None:
    """Never read as some other (shorter or longer) address."""
    with pytest.raises(ValueError, match=f"^{re.escape(spelling)}$"):
        normalise_ieee(spelling)


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
