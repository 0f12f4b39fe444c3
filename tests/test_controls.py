"""Buttons, the monitoring switch, timers and services, as a person or automation uses them."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.brave.const import DOMAIN

from .conftest import STATION_ID, RunningServer, site_with_station, station_data
from .helpers import (
    advance,
    device_id,
    enable_entities,
    entity_id,
    notifications,
    setup_site,
    spoken_fixture,
    station_state,
)

spoken = spoken_fixture


async def _press(hass: HomeAssistant, key: str) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id(hass, "button", key)}, blocking=True
    )
    await hass.async_block_till_done()


async def test_pause_shows_everywhere_and_resumes_by_itself(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    switch = entity_id(hass, "switch", "monitoring")
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(switch).state == "off"
    assert hass.states.get(switch).attributes["resumes_at"] is not None
    assert station_state(hass) == "paused"
    await advance(hass, freezer, 3600)
    assert hass.states.get(switch).state == "on"
    assert station_state(hass) == "idle"


async def test_pause_service_with_duration_and_resume(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    station = device_id(hass)
    await hass.services.async_call(
        DOMAIN, "pause", {"station": station, "duration": {"minutes": 10}}, blocking=True
    )
    assert station_state(hass) == "paused"
    await hass.services.async_call(DOMAIN, "resume", {"station": station}, blocking=True)
    assert station_state(hass) == "idle"


async def test_switch_back_on_resumes(hass: HomeAssistant, dispatch_server: RunningServer) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    switch = entity_id(hass, "switch", "monitoring")
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    assert station_state(hass) == "idle"


async def test_timers_are_numbers_that_apply(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await enable_entities(hass, "number", "check_in_interval")
    interval = entity_id(hass, "number", "check_in_interval")
    assert float(hass.states.get(interval).state) == 5
    await hass.services.async_call(
        "number", "set_value", {"entity_id": interval, "value": 2}, blocking=True
    )
    assert float(hass.states.get(interval).state) == 2
    await _press(hass, "start_check_in")
    await advance(hass, freezer, 120)
    assert station_state(hass) == "prompting"


async def test_im_ok_end_session_and_service_check_in(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await hass.services.async_call(
        DOMAIN, "start_session", {"station": device_id(hass)}, blocking=True
    )
    await advance(hass, freezer, 300)
    await _press(hass, "im_ok")
    assert station_state(hass) == "check_in"
    await advance(hass, freezer, 200)
    await hass.services.async_call(DOMAIN, "check_in", {"station": device_id(hass)}, blocking=True)
    # Checking in early moves the next prompt.
    await advance(hass, freezer, 200)
    assert station_state(hass) == "check_in"
    await hass.services.async_call(
        DOMAIN, "end_session", {"station": device_id(hass)}, blocking=True
    )
    assert station_state(hass) == "idle"


async def test_test_alert_is_marked_and_private(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
    hass_ws_client: WebSocketGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await enable_entities(hass, "button", "test_alert")
    events = async_capture_events(hass, "state_changed")
    await _press(hass, "test_alert")
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "test"
    assert stored.request["location"] is None
    # A drill looks like a drill in every entity: the state says so, the station is not
    # "unsafe", the event has a test type, the room hears it is a test, and Home Assistant's
    # notice says it is a test and never that help was called.
    assert _shown(hass) == {
        "binary_sensor.room_1_alert": "off",
        "binary_sensor.room_1_device_health": "off",
        "sensor.room_1_state": "test",
        "event.room_1_alert_steps": "test_alert",
    }
    assert hass.states.get("event.room_1_alert_steps").attributes["test"] is True
    assert spoken[-1].data["message"].startswith("This is a test alert")
    notices = await notifications(hass, hass_ws_client)
    assert [n["title"] for n in notices] == ["[TEST] Brave: test alert for Room 1"]
    assert "help" not in notices[0]["message"].replace("call for help", "")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
        )
    assert err.value.translation_key == "alert_in_progress"

    # The dispatch service's steps, even the one that closes it, are a test's too.
    dispatch_server.store.set_status(stored.alert_id, "acknowledged", "Sam", None)
    await advance(hass, freezer, 5)
    assert _shown(hass)["sensor.room_1_state"] == "test"
    dispatch_server.store.set_status(stored.alert_id, "resolved", "Sam", "test")
    await advance(hass, freezer, 5)
    assert stored.alert["outcome"] == "test"
    assert station_state(hass) == "idle"
    steps = [
        (e.data["new_state"].attributes["event_type"], e.data["new_state"].attributes["test"])
        for e in events
        if e.data["entity_id"] == "event.room_1_alert_steps"
    ]
    assert steps == [
        ("test_alert", True),
        ("test_responder_attending", True),
        ("test_resolved", True),
    ]
    # Nothing ever showed help called, nor the station unsafe.
    assert not [
        e
        for e in events
        if e.data["new_state"].state in ("alert", "responder_attending")
        or (
            e.data["entity_id"] == "binary_sensor.room_1_alert"
            and e.data["new_state"].state == "on"
        )
    ]
    # The notice clears with the alert.
    assert await notifications(hass, hass_ws_client) == []


def _shown(hass: HomeAssistant) -> dict[str, str]:
    """What each of the station's status entities shows (an event entity: its type)."""
    shown = {}
    for entry in er.async_entries_for_device(er.async_get(hass), device_id(hass)):
        if entry.domain in ("button", "number", "switch") or entry.entity_id.endswith("next_step"):
            continue
        state = hass.states.get(entry.entity_id)
        assert state is not None
        shown[entry.entity_id] = (
            state.attributes["event_type"] if entry.domain == "event" else state.state
        )
    return shown


async def test_test_alert_service(hass: HomeAssistant, dispatch_server: RunningServer) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await hass.services.async_call(
        DOMAIN, "test_alert", {"station": device_id(hass)}, blocking=True
    )
    await hass.async_block_till_done()
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "test"


async def test_service_errors_are_clear(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "check_in", {"station": "nope"}, blocking=True)
    assert err.value.translation_key == "station_not_found"
    # A station whose site is not loaded cannot be reached either.
    station = device_id(hass)
    [entry] = hass.config_entries.async_entries(DOMAIN)
    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "check_in", {"station": station}, blocking=True)
    assert await hass.config_entries.async_setup(entry.entry_id)
    for service, data in (("acknowledge", {}), ("resolve", {"outcome": "other"})):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, service, {"station": device_id(hass), **data}, blocking=True
            )
        assert err.value.translation_key == "no_open_alert"


OFF_BY_DEFAULT = {
    "number": (
        "stillness",
        "duration",
        "check_in_interval",
        "answer_window",
        "countdown",
        "reminder",
        "auto_resume",
    ),
    "button": ("test_alert",),
}


async def test_timers_and_the_test_button_are_off_until_enabled(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    """9 entities per station are on: what a person in the room or a responder needs."""
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    registry = er.async_get(hass)
    station = [e for e in registry.entities.values() if e.config_subentry_id == STATION_ID]
    assert len(station) == 17
    off = {(e.domain, e.unique_id.removeprefix(f"{STATION_ID}_")) for e in station if e.disabled}
    assert off == {(platform, key) for platform, keys in OFF_BY_DEFAULT.items() for key in keys}
    assert all(e.disabled_by is er.RegistryEntryDisabler.INTEGRATION for e in station if e.disabled)
    on = sorted(e.entity_id for e in station if not e.disabled)
    assert on == [
        "binary_sensor.room_1_alert",
        "binary_sensor.room_1_device_health",
        "button.room_1_end_check_in_session",
        "button.room_1_i_m_ok",
        "button.room_1_start_check_in_session",
        "event.room_1_alert_steps",
        "sensor.room_1_next_step",
        "sensor.room_1_state",
        "switch.room_1_monitoring",
    ]


async def test_entities_have_translated_names(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await enable_entities(hass, "number", *OFF_BY_DEFAULT["number"])
    await enable_entities(hass, "button", *OFF_BY_DEFAULT["button"])
    names = sorted(
        state.attributes["friendly_name"]
        for state in hass.states.async_all()
        if state.entity_id.split(".")[1].startswith("room_1")
    )
    assert names == [
        "Room 1 Alert",
        "Room 1 Alert steps",
        "Room 1 Check-in interval",
        "Room 1 Countdown",
        "Room 1 Device health",
        "Room 1 End check-in session",
        "Room 1 I'm OK",
        "Room 1 Long stay time",
        "Room 1 Monitoring",
        "Room 1 Next step",
        "Room 1 Reminder interval",
        "Room 1 Resume a pause after",
        "Room 1 Send test alert",
        "Room 1 Start check-in session",
        "Room 1 State",
        "Room 1 Stillness time",
        "Room 1 Time to answer",
    ]


async def test_lowering_a_timer_during_a_countdown_moves_the_step_at_once(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    """Every setting change re-plans at once: the next step is when the station will act."""
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await enable_entities(hass, "number", "countdown")
    await _press(hass, "start_check_in")
    await advance(hass, freezer, 300, 60, 2)
    assert station_state(hass) == "countdown"
    next_step = entity_id(hass, "sensor", "next_deadline")
    before = dt_util.parse_datetime(hass.states.get(next_step).state)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": entity_id(hass, "number", "countdown"), "value": 10},
        blocking=True,
    )
    after = dt_util.parse_datetime(hass.states.get(next_step).state)
    assert before is not None
    assert after == before - timedelta(seconds=10)
    # The station acts then, on time (not late), not at the old time.
    await advance(hass, freezer, 7)
    assert station_state(hass) == "countdown"
    await advance(hass, freezer, 1)
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "missed_check_in"
