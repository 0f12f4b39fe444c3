"""Check-in sessions through real Home Assistant: prompt, countdown, alert, ladder, outcome."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.util import dt as dt_util
import pytest

from custom_components.brave.const import DOMAIN

from .conftest import ADDRESS, BUTTON, PHONE, RunningServer, site_with_station, station_data
from .helpers import (
    advance,
    device_id,
    entity_id,
    move_ahead_to,
    setup_site,
    spoken_fixture,
    station_state,
)

spoken = spoken_fixture


async def _start_session(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id(hass, "button", "start_check_in")}, blocking=True
    )
    await hass.async_block_till_done()


async def test_missed_check_in_escalates_then_responder_closes_it(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    move_ahead_to(freezer, 12)
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    start = dt_util.utcnow()
    await _start_session(hass)
    assert station_state(hass) == "check_in"
    deadline = hass.states.get(entity_id(hass, "sensor", "next_deadline"))
    assert deadline is not None
    assert dt_util.parse_datetime(deadline.state) == start + timedelta(minutes=5)

    await advance(hass, freezer, 300)
    assert station_state(hass) == "prompting"
    assert "Are you okay?" in spoken[-1].data["message"]
    assert spoken[-1].data["media_player_entity_id"] == "media_player.room_speaker"

    await advance(hass, freezer, 60)
    assert station_state(hass) == "countdown"
    assert "20 seconds" in spoken[-1].data["message"]
    assert hass.states.get(entity_id(hass, "binary_sensor", "alert")).state == "on"
    assert dispatch_server.store.alerts == {}

    await advance(hass, freezer, 20)
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    request = stored.request
    assert request["kind"] == "missed_check_in"
    assert request["details"] == {"missed_check_ins": 1}
    # Past the release point: location and contacts go with the alert.
    assert request["location"]["address"] == ADDRESS
    assert request["contacts"] == [{"name": "Alex", "phone": PHONE, "role": "naloxone_nearby"}]
    assert request["rescue_plan"] == {
        "call_emergency_services": False,
        "notes": "Friend in 4B has naloxone",
    }
    [created] = dispatch_server.store.received[-1:]
    assert created.at == start + timedelta(seconds=380)

    for _ in range(3):
        await advance(hass, freezer, 120)
    notes = [event["note"] for event in stored.events]
    assert notes == ["reminder 1", "reminder 2", "fallback 2", "final 3"]

    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"station": device_id(hass), "responder": "Sam"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert station_state(hass) == "responder_attending"
    assert spoken[-1].data["message"] == "Sam is on the way."

    await hass.services.async_call(
        DOMAIN, "resolve", {"station": device_id(hass), "outcome": "occupant_ok"}, blocking=True
    )
    await hass.async_block_till_done()
    assert stored.alert["status"] == "resolved"
    assert stored.alert["outcome"] == "occupant_ok"
    # Occupant okay re-arms the session.
    assert station_state(hass) == "check_in"
    assert hass.states.get(entity_id(hass, "binary_sensor", "alert")).state == "off"


async def test_answering_the_prompt_calls_nobody(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await _start_session(hass)
    await advance(hass, freezer, 300)
    assert station_state(hass) == "prompting"

    # The button's answer gesture answers.
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": "double"})
    await hass.async_block_till_done()
    assert station_state(hass) == "check_in"
    assert spoken[-1].data["message"] == "Thanks. Nobody is being called."

    await advance(hass, freezer, 80)
    assert dispatch_server.store.alerts == {}
    assert station_state(hass) == "check_in"


@pytest.mark.parametrize("stage", ["prompting", "countdown"])
async def test_a_help_press_during_a_prompt_calls_for_help_at_once(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
    stage: str,
) -> None:
    """A help gesture never cancels a call for help: it is one."""
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await _start_session(hass)
    await advance(hass, freezer, 300, *((60,) if stage == "countdown" else ()))
    assert station_state(hass) == stage
    assert "okay button" in spoken[-1].data["message"]

    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": "single"})
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    assert spoken[-1].data["message"] == "Help has been called and is on the way."
    # The prompt's own alert never follows.
    await advance(hass, freezer, 60, 20)
    assert len(dispatch_server.store.alerts) == 1
