"""Reading ZHA events, Zigbee2MQTT messages and stored learned buttons."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import example, given, strategies as st
import orjson

from custom_components.brave.core.buttons import (
    SOURCE_MQTT,
    SOURCE_ZHA,
    ButtonPress,
    DeviceReport,
    LearnedButton,
    learned_button,
    learned_buttons,
    normalise_ieee,
    z2m_press,
    z2m_report,
    zha_press,
)

from .strategies import FUZZ, any_text, deep_nesting, json_values, objects

ZHA_FORM = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){7}")

addresses = st.binary(min_size=8, max_size=8)
ieee_spellings = st.one_of(
    addresses.map(lambda b: ":".join(f"{x:02x}" for x in b)),
    addresses.map(lambda b: ":".join(f"{x:02X}" for x in b)),
    addresses.map(lambda b: f"0x{b.hex()}"),
    addresses.map(bytes.hex),
    st.binary(max_size=12).map(lambda b: ":".join(f"{x:02x}" for x in b)),  # 9 bytes, 3 ...
    st.binary(max_size=12).map(lambda b: f"0x{b.hex()}"),
    any_text,
)
zha_data = objects(
    {
        "device_ieee": ieee_spellings,
        "command": st.one_of(st.sampled_from(["attribute_updated", "single"]), any_text),
        "args": st.one_of(objects({"value": json_values}), json_values),
    },
    ["device_ieee", "command"],
)
topics = st.one_of(
    any_text,
    st.tuples(
        st.just("zigbee2mqtt/"), any_text, st.sampled_from(["", "/action", "/availability"])
    ).map("".join),
)
payloads = st.one_of(
    any_text,
    st.binary(max_size=60),
    json_values.map(orjson.dumps),
    objects({"action": any_text, "battery": st.floats(), "state": any_text}).map(orjson.dumps),
    st.integers(min_value=1, max_value=100_000).map(deep_nesting),
)


@FUZZ
@given(ieee_spellings)
@example("a4:c1:38:85:a8:b5:4c:d1:00")  # nine bytes
@example("0x" + "1" * 18)  # eighteen digits: refused, never cut to sixteen
@example("\u0661\u0662:00:00:00:00:00:00:00")
def test_ieee_is_zha_form_or_value_error(value: str) -> None:
    try:
        key = normalise_ieee(value)
    except ValueError:
        return
    assert ZHA_FORM.fullmatch(key)


@FUZZ
@given(addresses)
def test_every_spelling_of_an_address_is_one_key(address: bytes) -> None:
    spellings = {
        ":".join(f"{x:02x}" for x in address),
        ":".join(f"{x:02X}" for x in address),
        f"0x{address.hex()}",
        f" {address.hex().upper()} ",
    }
    assert {normalise_ieee(s) for s in spellings} == {":".join(f"{x:02x}" for x in address)}


@FUZZ
@given(st.one_of(zha_data, st.dictionaries(any_text, json_values)))
@example({"device_ieee": "a4:c1:38:85:a8:b5:4c:d1:00", "command": "single"})
@example(
    {
        "device_ieee": "a4:c1:38:85:a8:b5:4c:d1",
        "command": "attribute_updated",
        "args": {"value": [[[]]]},
    }
)
def test_zha_event_is_a_press_or_ignored(data: dict[str, Any]) -> None:
    press = zha_press(data)
    if press is None:
        return
    assert isinstance(press, ButtonPress)
    assert press.source == SOURCE_ZHA
    assert ZHA_FORM.fullmatch(press.key)
    assert isinstance(press.gesture, str)
    assert press.gesture


@FUZZ
@given(topics, payloads)
@example("zigbee2mqtt/SOS", b"[" * 100_000 + b"]" * 100_000)
def test_z2m_message_is_a_press_or_ignored(topic: str, payload: str | bytes) -> None:
    press = z2m_press(topic, payload)
    if press is None:
        return
    assert isinstance(press, ButtonPress)
    assert press.source == SOURCE_MQTT
    assert isinstance(press.key, str)
    assert press.key
    assert isinstance(press.gesture, str)
    assert press.gesture


@FUZZ
@given(topics, payloads)
@example("zigbee2mqtt/SOS/availability", b'{"state": ' + b"[" * 5000 + b"]" * 5000 + b"}")
def test_z2m_report_is_health_or_ignored(topic: str, payload: str | bytes) -> None:
    report = z2m_report(topic, payload)
    if report is None:
        return
    assert isinstance(report, DeviceReport)
    assert isinstance(report.key, str)
    assert report.battery is None or isinstance(report.battery, float)
    assert report.available in (None, True, False)
    assert (report.battery is None) != (report.available is None)


gestures = st.one_of(st.lists(st.one_of(any_text, json_values), max_size=3), json_values)
stored = objects(
    {
        "source": st.sampled_from([SOURCE_ZHA, SOURCE_MQTT]),
        "ieee": ieee_spellings,
        "topic": any_text,
        "help": gestures,
        "answer": gestures,
        "start_check_in": gestures,
    },
    ["source"],
)


def _well_typed(button: LearnedButton) -> None:
    assert button.source in (SOURCE_ZHA, SOURCE_MQTT)
    assert isinstance(button.key, str)
    assert button.key
    for names in (button.help, button.answer, button.start_check_in):
        assert all(isinstance(g, str) and g for g in names)


@FUZZ
@given(st.one_of(stored, json_values))
@example({"source": "zha", "ieee": "a4:c1:38:85:a8:b5:4c:d1", "help": 5})
def test_learned_button_is_readable_or_left_out(raw: Any) -> None:
    button = learned_button(raw)
    if button is not None:
        _well_typed(button)
        # What is stored is read back the same.
        assert learned_button(button.as_dict()) == button


@FUZZ
@given(st.one_of(st.lists(st.one_of(stored, json_values), max_size=4), json_values))
def test_learned_buttons_keep_only_the_readable(raw: Any) -> None:
    for button in learned_buttons(raw):
        _well_typed(button)
