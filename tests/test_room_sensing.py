"""Room sensing through real Home Assistant: sessions, stillness, long stays, lost sensors."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall

from .conftest import (
    ADDRESS,
    BUTTON,
    DOOR,
    MOTION,
    PRESENCE,
    RunningServer,
    site_with_station,
    station_data,
)
from .helpers import advance, entity_id, move_ahead_to, setup_site, spoken_fixture, station_state

spoken = spoken_fixture


async def _occupy(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(PRESENCE, "on")
    await hass.async_block_till_done()
    # Presence must persist 3 s before a session starts.
    assert station_state(hass) == "idle"
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"


async def test_stillness_after_door_closes_escalates(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    move_ahead_to(freezer, 12)
    hass.states.async_set(DOOR, "on")
    hass.states.async_set(PRESENCE, "off")
    await setup_site(
        hass, site_with_station(dispatch_server, station_data(room_sensing=True, door=True))
    )
    await _occupy(hass, freezer)

    await advance(hass, freezer, 180)
    assert station_state(hass) == "prompting"
    await advance(hass, freezer, 60)
    assert station_state(hass) == "countdown"
    await advance(hass, freezer, 20)
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "stillness"
    assert stored.request["details"] == {"occupied_for_s": 180}
    assert stored.request["location"]["address"] == ADDRESS

    # The door opening is news for responders, and does not close the alert.
    hass.states.async_set(DOOR, "on")
    await hass.async_block_till_done()
    assert [event["type"] for event in stored.events] == ["door_opened"]
    assert station_state(hass) == "alert"


async def test_movement_keeps_stillness_away_until_a_long_stay(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    hass.states.async_set(DOOR, "on")
    hass.states.async_set(PRESENCE, "off")
    hass.states.async_set(MOTION, "moving")
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(
        hass,
        site_with_station(dispatch_server, station_data(room_sensing=True, door=True, motion=True)),
    )
    await _occupy(hass, freezer)
    # A radar reporting its distance every second changes nothing.
    for distance in range(30):
        hass.states.async_set(PRESENCE, "on", {"distance": distance / 10})
        await advance(hass, freezer, 1)
    await advance(hass, freezer, 20 * 60 - 33)
    assert station_state(hass) == "occupied"
    await advance(hass, freezer, 3)
    assert station_state(hass) == "prompting"
    hass.states.async_set(BUTTON, "2026-11-27T12:20:00+00:00", {"event_type": "single"})
    await hass.async_block_till_done()
    assert station_state(hass) == "occupied"
    assert dispatch_server.store.alerts == {}


async def test_presence_alone_delimits_a_session_without_door(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set(PRESENCE, "off")
    await setup_site(hass, site_with_station(dispatch_server, station_data(room_sensing=True)))
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"
    hass.states.async_set(PRESENCE, "off")
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    await advance(hass, freezer, 600)
    assert dispatch_server.store.alerts == {}


async def test_lost_sensor_during_a_session_is_not_all_fine(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set(PRESENCE, "off")
    await setup_site(hass, site_with_station(dispatch_server, station_data(room_sensing=True)))
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)

    hass.states.async_set(PRESENCE, "unavailable")
    await hass.async_block_till_done()
    assert station_state(hass) == "cannot_monitor"
    event = hass.states.get(entity_id(hass, "event", "lifecycle"))
    assert event is not None
    assert event.attributes["event_type"] == "cannot_monitor"
    assert event.attributes["sensor"] == PRESENCE

    hass.states.async_set(PRESENCE, "on")
    await hass.async_block_till_done()
    assert station_state(hass) == "occupied"
    event = hass.states.get(entity_id(hass, "event", "lifecycle"))
    assert event is not None
    assert event.attributes["event_type"] == "monitoring_restored"
