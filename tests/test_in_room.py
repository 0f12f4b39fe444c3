"""What happens in the room and what happens when the dispatch service is unreachable."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from custom_components.brave.const import DOMAIN

from .conftest import BUTTON, MOTION, PRESENCE, RunningServer, site_with_station, station_data
from .helpers import advance, device_id, entity_id, setup_site, station_state


async def test_prompts_flash_the_light_and_message_the_phone(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    lights = async_mock_service(hass, "light", "turn_on")
    messages = async_mock_service(hass, "notify", "send_message")
    data = station_data()
    data["prompts"] = {"light": "light.room", "notify": "notify.occupant_phone"}
    await setup_site(hass, site_with_station(dispatch_server, data))
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": device_id(hass)}, blocking=True
    )
    await advance(hass, freezer, 300)
    assert [call.data for call in lights] == [{"entity_id": "light.room", "flash": "long"}]
    assert messages[-1].data["entity_id"] == "notify.occupant_phone"
    assert "Are you okay?" in messages[-1].data["message"]
    await hass.services.async_call(DOMAIN, "check_in", {"station": device_id(hass)}, blocking=True)
    await hass.async_block_till_done()
    # Answers are confirmed in words only: no flash.
    assert len(lights) == 1
    assert messages[-1].data["message"] == "Thanks. Nobody is being called."


async def test_missing_speaker_service_does_not_stop_the_ladder(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """tts.speak is not available here: the prompt fails, escalation still happens."""
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": device_id(hass)}, blocking=True
    )
    await advance(hass, freezer, 300, 60, 20)
    assert "In-room tts.speak failed" in caplog.text
    assert len(dispatch_server.store.alerts) == 1


async def test_occupant_ok_after_the_alert_is_sent_to_dispatch(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": device_id(hass)}, blocking=True
    )
    await advance(hass, freezer, 300, 60, 20)
    await hass.services.async_call(DOMAIN, "check_in", {"station": device_id(hass)}, blocking=True)
    await hass.async_block_till_done()
    [stored] = dispatch_server.store.alerts.values()
    assert [event["type"] for event in stored.events] == ["occupant_ok"]
    # Reminders stop (the next would have come 120 s after the alert); responders still close
    # the alert.
    await advance(hass, freezer, 250)
    assert [event["type"] for event in stored.events] == ["occupant_ok"]
    await hass.services.async_call(
        DOMAIN, "resolve", {"station": device_id(hass), "outcome": "occupant_ok"}, blocking=True
    )
    await hass.async_block_till_done()
    assert stored.alert["status"] == "resolved"


async def test_unrecognised_movement_values_and_attribute_updates_are_ignored(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set(PRESENCE, "on")
    hass.states.async_set(MOTION, "moving")
    hass.states.async_set(BUTTON, "2026-11-27T11:00:00+00:00")
    await setup_site(
        hass, site_with_station(dispatch_server, station_data(room_sensing=True, motion=True))
    )
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"
    hass.states.async_set(MOTION, "calibrating")
    hass.states.async_set(BUTTON, "2026-11-27T11:00:00+00:00", {"battery": 90})
    await advance(hass, freezer, 600)
    assert station_state(hass) == "occupied"
    assert hass.states.get(entity_id(hass, "binary_sensor", "alert")).state == "off"
