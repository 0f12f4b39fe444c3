"""Help button through real Home Assistant: a press calls for help, more presses make it urgent."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.brave.const import DOMAIN

from .conftest import ADDRESS, BUTTON, RunningServer, site_with_station, station_data
from .helpers import advance, device_id, setup_site, station_state


def _press(hass: HomeAssistant, event_type: str = "single") -> None:
    hass.states.async_set(BUTTON, dt_util.utcnow().isoformat(), {"event_type": event_type})


async def test_press_calls_for_help_and_more_presses_make_it_urgent(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    _press(hass)
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    assert stored.request["urgency"] == "normal"
    assert stored.request["details"] == {"presses": 1}
    # Pressing for help is the occupant's own call: details go with it by default.
    assert stored.request["location"]["address"] == ADDRESS

    await advance(hass, freezer, 5)
    _press(hass)
    await hass.async_block_till_done()
    assert stored.alert["urgency"] == "urgent"
    assert [(e["type"], e["note"]) for e in stored.events] == [("escalated", "2 presses")]
    # The 3rd and 4th presses soon after add nothing; the 5th re-notifies, though no sooner
    # than 30 s after the last notice: a storm of presses is not a storm of messages.
    for _ in range(3):
        await advance(hass, freezer, 5)
        _press(hass)
        await hass.async_block_till_done()
    assert [e["note"] for e in stored.events] == ["2 presses"]
    await advance(hass, freezer, 14)
    assert [e["note"] for e in stored.events] == ["2 presses"]
    await advance(hass, freezer, 1)
    assert [e["note"] for e in stored.events] == ["2 presses", "5 presses"]
    assert len(dispatch_server.store.alerts) == 1


async def test_details_can_stay_private_on_help_requests(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, station_data(release_on_help=False)))
    _press(hass)
    await hass.async_block_till_done()
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["location"] is None
    assert stored.request["contacts"] is None
    assert ADDRESS not in str(dispatch_server.store.received)


async def test_check_in_gesture_starts_a_session(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    _press(hass, "long_press")
    await hass.async_block_till_done()
    assert station_state(hass) == "check_in"
    assert dispatch_server.store.alerts == {}


async def test_press_service_forwards_a_press(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    await hass.services.async_call(DOMAIN, "press", {"station": device_id(hass)}, blocking=True)
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"


async def test_button_coming_back_online_is_not_a_press(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    hass.states.async_set(BUTTON, "2026-11-27T11:00:00+00:00")
    await setup_site(hass, site_with_station(dispatch_server, station_data()))
    hass.states.async_set(BUTTON, "unavailable")
    await hass.async_block_till_done()
    hass.states.async_set(BUTTON, "2026-11-27T11:00:00+00:00")
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}


async def test_plan_without_the_dispatch_service_does_not_call_it(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    data = station_data()
    data["rescue_plan"]["responder_groups"] = ["first_responders"]
    hass.states.async_set(BUTTON, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, data))
    _press(hass)
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    assert dispatch_server.store.alerts == {}
