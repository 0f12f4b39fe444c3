"""Device health in Home Assistant: problem sensor, repair issues, health contacts."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.brave.const import DOMAIN

from .conftest import BUTTON, PRESENCE, STATION_ID, RunningServer, site_with_station, station_data
from .helpers import advance, entity_id, move_ahead_to, setup_site

TECH = "+15555550177"
OPTIONS = {"health_contacts": f"Tech = notify.sms:{TECH}", "operating_hours": "08:00-20:00"}


@pytest.fixture
def sms(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "sms")


def _told(calls: list[ServiceCall]) -> list[str]:
    return [str(c.data["message"]) for c in calls if c.data.get("target") == [TECH]]


def _problem(hass: HomeAssistant) -> tuple[str, list[str]]:
    state = hass.states.get(entity_id(hass, "binary_sensor", "device_health"))
    assert state is not None
    return state.state, list(state.attributes["faults"])


def _issues(hass: HomeAssistant) -> set[str]:
    return {i for (d, i) in ir.async_get(hass).issues if d == DOMAIN}


async def _start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, server: RunningServer, **kw: bool
) -> None:
    await hass.config.async_set_time_zone("UTC")
    move_ahead_to(freezer, 18)
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(PRESENCE, "off")
    await setup_site(hass, site_with_station(server, station_data(**kw), options=OPTIONS))


async def test_silent_radar_reminders_inside_hours_and_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
) -> None:
    await _start(hass, freezer, dispatch_server, room_sensing=True)
    assert _problem(hass) == ("off", [])
    # Repeated reports (same state) keep the radar alive.
    for _ in range(3):
        await advance(hass, freezer, 600)
        hass.states.async_set(PRESENCE, "off")
    assert _told(sms) == []

    # A radar of unknown model may report only on change: silent after 25 hours.
    await advance(hass, freezer, 25 * 3600)  # 19:30 the next day
    assert _told(sms) == []
    await advance(hass, freezer, 61)
    assert _problem(hass) == ("on", [f"{PRESENCE}: silent"])
    issue = f"health_{STATION_ID}_{PRESENCE}_silent"
    assert _issues(hass) == {issue}
    found = ir.async_get(hass).async_get_issue(DOMAIN, issue)
    assert found is not None
    assert found.translation_placeholders == {
        "station": "Room 1",
        "device": PRESENCE,
        "fault": "silent",
    }
    assert _told(sms) == [f"Room 1: {PRESENCE} needs attention (not reporting)."]

    # Due at 23:31, outside 08:00-20:00: the reminder waits for the morning.
    await advance(hass, freezer, 4 * 3600)
    assert len(_told(sms)) == 1
    await advance(hass, freezer, 8 * 3600)  # 07:31
    assert len(_told(sms)) == 1
    await advance(hass, freezer, 3600)  # 08:31, the 08:00 reminder fired
    assert _told(sms)[1] == f"Reminder - Room 1: {PRESENCE} still needs attention (not reporting)."

    hass.states.async_set(PRESENCE, "off")
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])
    assert _issues(hass) == set()
    assert _told(sms)[2] == f"Room 1: {PRESENCE} is back (not reporting cleared)."
    assert len(_told(sms)) == 3


async def test_battery_low_clears_only_above_80(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
) -> None:
    # The button's device has a battery sensor (as ZHA and Zigbee2MQTT show it).
    zha = MockConfigEntry(domain="zha")
    zha.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=zha.entry_id, identifiers={("zha", "button")}
    )
    entities = er.async_get(hass)
    entities.async_get_or_create(
        "event", "zha", "button", device_id=device.id, suggested_object_id="room_button"
    )
    battery = entities.async_get_or_create(
        "sensor",
        "zha",
        "button-battery",
        device_id=device.id,
        original_device_class="battery",
        suggested_object_id="room_button_battery",
    ).entity_id
    hass.states.async_set(battery, "55")
    await _start(hass, freezer, dispatch_server)
    assert _problem(hass) == ("off", [])

    hass.states.async_set(battery, "15")
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{BUTTON}: battery_low"])
    assert _issues(hass) == {f"health_{STATION_ID}_{BUTTON}_battery_low"}

    hass.states.async_set(battery, "50")
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{BUTTON}: battery_low"])

    hass.states.async_set(battery, "85")
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])
    assert _issues(hass) == set()
    assert _told(sms) == [
        f"Room 1: {BUTTON} needs attention (battery low).",
        f"Room 1: {BUTTON} is back (battery low cleared).",
    ]


async def test_battery_attribute_and_unavailable_button(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
) -> None:
    await _start(hass, freezer, dispatch_server)
    hass.states.async_set(BUTTON, "unknown", {"battery": 12})
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{BUTTON}: battery_low"])

    hass.states.async_set(BUTTON, "unavailable")
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{BUTTON}: battery_low", f"{BUTTON}: unavailable"])
    assert f"health_{STATION_ID}_{BUTTON}_unavailable" in _issues(hass)
    assert _told(sms)[-1] == f"Room 1: {BUTTON} needs attention (unavailable)."


async def test_presence_stuck_on_occupied_and_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
) -> None:
    await _start(hass, freezer, dispatch_server, room_sensing=True)
    hass.states.async_set(PRESENCE, "on", {"distance": 1.2})  # someone comes in: activity
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])

    # The radar keeps reporting the same state and distance: alive, but no activity.
    for _ in range(3):
        await advance(hass, freezer, 4 * 3600)
        hass.states.async_set(PRESENCE, "on", {"distance": 1.2})
        await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])  # exactly 12 hours: not yet
    assert _told(sms) == []

    await advance(hass, freezer, 2)
    assert _problem(hass) == ("on", [f"{PRESENCE}: stuck"])
    assert _issues(hass) == {f"health_{STATION_ID}_{PRESENCE}_stuck"}
    assert _told(sms) == [f"Room 1: {PRESENCE} needs attention (stuck on occupied)."]

    hass.states.async_set(PRESENCE, "off", {"distance": 1.2})
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])
    assert _issues(hass) == set()
    assert _told(sms) == [
        f"Room 1: {PRESENCE} needs attention (stuck on occupied).",
        f"Room 1: {PRESENCE} is back (stuck on occupied cleared).",
    ]
