"""The occupant pauses and resumes their own monitoring with a button gesture, and hears it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.util import dt as dt_util

from .conftest import BUTTON, RunningServer, site_with_station, station_data
from .helpers import advance, entity_id, setup_site, spoken_fixture, station_state

spoken = spoken_fixture

PAUSED_60 = "Monitoring paused for 60 minutes. Press for help any time."
BACK = "Monitoring is back on."
TS0041 = json.loads(
    (Path(__file__).parent / "fixtures" / "buttons" / "tuya_ts0041.json").read_text()
)


def _gesture(hass: HomeAssistant, event_type: str) -> None:
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": event_type})


def _said(spoken: list[ServiceCall]) -> list[str]:
    return [call.data["message"] for call in spoken]


def _paused_station() -> dict[str, Any]:
    data = station_data()
    data["sensors"]["pause_gesture"] = "triple"
    return data


async def _set_up(hass: HomeAssistant, server: RunningServer, data: dict[str, Any]) -> None:
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(server, data))


async def test_pause_gesture_pauses_says_so_and_resumes_by_itself(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    await _set_up(hass, dispatch_server, _paused_station())
    switch = entity_id(hass, "switch", "monitoring")
    steps = entity_id(hass, "event", "lifecycle")

    _gesture(hass, "triple")
    await hass.async_block_till_done()
    assert station_state(hass) == "paused"
    assert hass.states.get(switch).state == "off"
    assert _said(spoken) == [PAUSED_60]
    assert hass.states.get(steps).attributes["event_type"] == "paused"
    assert dispatch_server.store.alerts == {}

    await advance(hass, freezer, 3599)
    assert station_state(hass) == "paused"
    await advance(hass, freezer, 1)
    assert station_state(hass) == "idle"
    assert hass.states.get(switch).state == "on"
    assert _said(spoken) == [PAUSED_60, BACK]
    assert hass.states.get(steps).attributes["event_type"] == "resumed"


async def test_the_same_gesture_resumes(
    hass: HomeAssistant, dispatch_server: RunningServer, spoken: list[ServiceCall]
) -> None:
    await _set_up(hass, dispatch_server, _paused_station())
    _gesture(hass, "triple")
    await hass.async_block_till_done()
    _gesture(hass, "triple")
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    assert _said(spoken) == [PAUSED_60, BACK]


async def test_help_press_while_paused_calls_for_help(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    await _set_up(hass, dispatch_server, _paused_station())
    _gesture(hass, "triple")
    await hass.async_block_till_done()
    await advance(hass, freezer, 60)

    _gesture(hass, "single")
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    assert _said(spoken) == [PAUSED_60, "Help has been called and is on the way."]
    # The pause is still the person's: it ends by itself as set.
    assert hass.states.get(entity_id(hass, "switch", "monitoring")).state == "off"


async def test_pause_gesture_during_a_check_in_prompt_answers_it(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    await _set_up(hass, dispatch_server, _paused_station())
    _gesture(hass, "long_press")
    await hass.async_block_till_done()
    await advance(hass, freezer, 300)
    assert station_state(hass) == "prompting"

    _gesture(hass, "triple")
    await hass.async_block_till_done()
    assert station_state(hass) == "paused"
    assert _said(spoken)[-2:] == ["Thanks. Nobody is being called.", PAUSED_60]
    await advance(hass, freezer, 120)
    assert dispatch_server.store.alerts == {}


async def test_learned_button_pause_gesture(
    hass: HomeAssistant, dispatch_server: RunningServer, spoken: list[ServiceCall]
) -> None:
    data = station_data()
    ieee = TS0041["zha"][0]["data"]["device_ieee"]
    data["sensors"] = {
        "learned_buttons": [
            {
                "source": "zha",
                "ieee": ieee,
                "help": ["remote_button_short_press"],
                "answer": [],
                "start_check_in": [],
                "pause": ["remote_button_double_press"],
            }
        ]
    }
    await setup_site(hass, site_with_station(dispatch_server, data))
    hass.bus.async_fire("zha_event", TS0041["zha"][1]["data"])
    await hass.async_block_till_done()
    assert station_state(hass) == "paused"
    assert _said(spoken) == [PAUSED_60]

    hass.bus.async_fire("zha_event", TS0041["zha"][0]["data"])
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"


async def test_paused_and_back_in_the_site_language(
    hass: HomeAssistant, dispatch_server: RunningServer, spoken: list[ServiceCall]
) -> None:
    await hass.config.async_update(language="fr")
    await _set_up(hass, dispatch_server, _paused_station())
    _gesture(hass, "triple")
    await hass.async_block_till_done()
    _gesture(hass, "triple")
    await hass.async_block_till_done()
    assert _said(spoken) == [
        "Suivi en pause pendant 60 minutes. Appuyez pour de l'aide à tout moment.",
        "Le suivi a repris.",
    ]


async def test_a_pause_from_the_dashboard_is_said_in_the_room_too(
    hass: HomeAssistant, dispatch_server: RunningServer, spoken: list[ServiceCall]
) -> None:
    """Nobody should believe they are watched while they are not, whoever paused."""
    await _set_up(hass, dispatch_server, station_data())
    switch = entity_id(hass, "switch", "monitoring")
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await hass.async_block_till_done()
    assert _said(spoken) == [PAUSED_60, BACK]
