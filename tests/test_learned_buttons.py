"""Buttons that show as no entity: learned in the station flow, heard through real HA."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)

from custom_components.brave.adapters import learned_buttons as learning
from custom_components.brave.const import DOMAIN

from .conftest import RunningServer, site_with_station, station_data
from .helpers import setup_site, station_state

FIXTURES = Path(__file__).parent / "fixtures" / "buttons"


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


TS0041 = _fixture("tuya_ts0041")
IEEE = TS0041["zha"][0]["data"]["device_ieee"]


@pytest.fixture
async def mqtt(hass: HomeAssistant, mqtt_mock: Any) -> AsyncIterator[Any]:
    """Home Assistant's real mqtt integration on a mocked client, unloaded afterwards."""
    yield mqtt_mock
    # Unsubscribe (unload the site), let mqtt's subscription debouncer run, stop mqtt.
    for entry in hass.config_entries.async_entries(DOMAIN):
        assert await hass.config_entries.async_unload(entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries("mqtt"):
        assert await hass.config_entries.async_unload(entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=20))
    await hass.async_block_till_done()


def _learned_station(*learned: dict[str, Any]) -> dict[str, Any]:
    data = station_data()
    data["sensors"] = {"learned_buttons": list(learned)}
    return data


ZHA_BUTTON = {
    "source": "zha",
    "ieee": IEEE.upper(),
    "help": ["remote_button_short_press"],
    "answer": [],
    "start_check_in": ["remote_button_long_press"],
}


async def test_learned_zha_press_calls_for_help(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, _learned_station(ZHA_BUTTON)))
    # A gesture listed nowhere (double) and another device change nothing.
    hass.bus.async_fire("zha_event", TS0041["zha"][1]["data"])
    hass.bus.async_fire(
        "zha_event", {**TS0041["zha"][0]["data"], "device_ieee": "00:11:22:33:44:55:66:77"}
    )
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"

    hass.bus.async_fire("zha_event", TS0041["zha"][0]["data"])
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"


async def test_learned_zha_gesture_starts_check_in(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, _learned_station(ZHA_BUTTON)))
    hass.bus.async_fire("zha_event", TS0041["zha"][2]["data"])
    await hass.async_block_till_done()
    assert station_state(hass) == "check_in"
    assert dispatch_server.store.alerts == {}


async def test_learned_z2m_press_through_real_mqtt(
    hass: HomeAssistant, dispatch_server: RunningServer, mqtt: Any
) -> None:
    button = {"source": "mqtt", "topic": "zigbee2mqtt/SOS", "help": ["emergency"]}
    await setup_site(hass, site_with_station(dispatch_server, _learned_station(button)))
    async_fire_mqtt_message(hass, "zigbee2mqtt/SOS", '{"action": "", "battery": 90}')
    async_fire_mqtt_message(hass, "zigbee2mqtt/SOS/action", "emergency", retain=True)
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    async_fire_mqtt_message(hass, "zigbee2mqtt/SOS/action", "emergency")
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    assert len(dispatch_server.store.alerts) == 1


# -- learning in the station flow ---------------------------------------------------------


def _form(**extra: Any) -> dict[str, Any]:
    data = station_data()
    data["sensors"] = {}
    return {CONF_NAME: "Washroom 2", **data, "learn_button": True, **extra}


async def _learn(hass: HomeAssistant, entry: MockConfigEntry, **extra: Any) -> str:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "station"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], _form(**extra))
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["step_id"] == "learn_button"
    return str(result["flow_id"])


async def _after_press(hass: HomeAssistant, flow_id: str) -> Any:
    await hass.async_block_till_done()
    return await hass.config_entries.subentries.async_configure(flow_id)


async def test_learn_a_zha_button(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _learn(hass, site_entry)
    hass.bus.async_fire("zha_event", TS0041["zha"][0]["data"])
    result = await _after_press(hass, flow_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "button_gestures"
    assert result["description_placeholders"] == {
        "source": "zha",
        "device": IEEE,
        "gesture": "remote_button_short_press",
    }
    result = await hass.config_entries.subentries.async_configure(
        flow_id,
        {
            "help": ["remote_button_short_press"],
            "answer": [],
            "start_check_in": ["remote_button_long_press"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    [subentry] = site_entry.subentries.values()
    assert subentry.data["sensors"]["learned_buttons"] == [
        {
            "source": "zha",
            "ieee": IEEE,
            "help": ["remote_button_short_press"],
            "answer": [],
            "start_check_in": ["remote_button_long_press"],
        }
    ]
    assert "learn_button" not in subentry.data
    assert "base_topic" not in subentry.data


async def test_learn_a_z2m_button(
    hass: HomeAssistant, site_entry: MockConfigEntry, mqtt: Any
) -> None:
    await setup_site(hass, site_entry)
    flow_id = await _learn(hass, site_entry, base_topic="z2m")
    for _ in range(5):  # the subscriptions are made
        await asyncio.sleep(0)
    # Another base topic and a state message without an action are not presses.
    async_fire_mqtt_message(hass, "zigbee2mqtt/Hall/action", "single")
    async_fire_mqtt_message(hass, "z2m/Room button", '{"battery": 90}')
    async_fire_mqtt_message(hass, "z2m/Room button", '{"action": "double", "battery": 90}')
    result = await _after_press(hass, flow_id)
    assert result["step_id"] == "button_gestures"
    assert result["description_placeholders"]["device"] == "z2m/Room button"
    assert result["description_placeholders"]["gesture"] == "double"
    result = await hass.config_entries.subentries.async_configure(flow_id, {"help": ["double"]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    [subentry] = site_entry.subentries.values()
    [learned] = subentry.data["sensors"]["learned_buttons"]
    assert learned["source"] == "mqtt"
    assert learned["topic"] == "z2m/Room button"
    assert learned["help"] == ["double"]


async def test_learn_an_event_entity(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    hass.states.async_set("event.hall_button", "unknown")
    await setup_site(hass, site_entry)
    flow_id = await _learn(hass, site_entry)
    hass.states.async_set(
        "event.hall_button", dt_util.utcnow().isoformat(), {"event_type": "single"}
    )
    result = await _after_press(hass, flow_id)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    [subentry] = site_entry.subentries.values()
    assert subentry.data["sensors"]["buttons"] == ["event.hall_button"]
    assert "learned_buttons" not in subentry.data["sensors"]


async def test_no_press_then_skip(hass: HomeAssistant, site_entry: MockConfigEntry) -> None:
    await setup_site(hass, site_entry)
    with patch.object(learning, "LEARN_TIMEOUT_S", 0.01):
        flow_id = await _learn(hass, site_entry)
        result = await _after_press(hass, flow_id)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "no_press"
        assert result["errors"] == {"base": "no_press"}
        result = await hass.config_entries.subentries.async_configure(flow_id, {"retry": True})
        assert result["type"] is FlowResultType.SHOW_PROGRESS
        result = await _after_press(hass, flow_id)
        assert result["step_id"] == "no_press"
    result = await hass.config_entries.subentries.async_configure(flow_id, {"retry": False})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Washroom 2"


@pytest.mark.parametrize("learned", [[ZHA_BUTTON]])
async def test_reconfigure_keeps_learned_buttons(
    hass: HomeAssistant, dispatch_server: RunningServer, learned: list[dict[str, Any]]
) -> None:
    from homeassistant.config_entries import SOURCE_RECONFIGURE  # noqa: PLC0415

    from .conftest import STATION_ID  # noqa: PLC0415

    entry = site_with_station(dispatch_server, _learned_station(*learned))
    await setup_site(hass, entry)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "station"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": STATION_ID},
    )
    form = {**_form(), CONF_NAME: "Room 1", "learn_button": False}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], form)
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[STATION_ID].data["sensors"]["learned_buttons"] == learned


# -- learning every fixture model, on both stacks ------------------------------------------

ALL_FIXTURES = {path.stem: _fixture(path.stem) for path in sorted(FIXTURES.glob("*.json"))}


async def _finish_with_help(
    hass: HomeAssistant, entry: MockConfigEntry, flow_id: str, gesture: str
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_configure(flow_id, {"help": [gesture]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    [subentry] = entry.subentries.values()
    [learned] = subentry.data["sensors"]["learned_buttons"]
    return dict(learned)


def test_every_fixture_is_learned() -> None:
    assert len(ALL_FIXTURES) == 10


@pytest.mark.parametrize("name", sorted(ALL_FIXTURES))
async def test_learn_each_fixture_zha(
    hass: HomeAssistant, site_entry: MockConfigEntry, name: str
) -> None:
    case = ALL_FIXTURES[name]["zha"][0]
    ieee = case["data"]["device_ieee"].lower()
    await setup_site(hass, site_entry)
    flow_id = await _learn(hass, site_entry)
    hass.bus.async_fire("zha_event", case["data"])
    result = await _after_press(hass, flow_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "button_gestures"
    assert result["description_placeholders"] == {
        "source": "zha",
        "device": ieee,
        "gesture": case["gesture"],
    }
    learned = await _finish_with_help(hass, site_entry, flow_id, case["gesture"])
    assert learned == {
        "source": "zha",
        "ieee": ieee,
        "help": [case["gesture"]],
        "answer": [],
        "start_check_in": [],
    }


@pytest.mark.parametrize("name", sorted(ALL_FIXTURES))
async def test_learn_each_fixture_z2m(
    hass: HomeAssistant, site_entry: MockConfigEntry, mqtt: Any, name: str
) -> None:
    case = ALL_FIXTURES[name]["z2m"][0]
    device = case["topic"].removesuffix("/action")
    await setup_site(hass, site_entry)
    flow_id = await _learn(hass, site_entry)
    for _ in range(5):  # the subscriptions are made
        await asyncio.sleep(0)
    async_fire_mqtt_message(hass, case["topic"], case["payload"])
    result = await _after_press(hass, flow_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "button_gestures"
    assert result["description_placeholders"] == {
        "source": "mqtt",
        "device": device,
        "gesture": case["gesture"],
    }
    learned = await _finish_with_help(hass, site_entry, flow_id, case["gesture"])
    assert learned == {
        "source": "mqtt",
        "topic": device,
        "help": [case["gesture"]],
        "answer": [],
        "start_check_in": [],
    }
