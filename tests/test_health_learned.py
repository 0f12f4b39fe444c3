"""Device health of learned buttons: Zigbee2MQTT messages and ZHA devices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.brave.const import DOMAIN
from custom_components.brave.core.buttons import DeviceReport, z2m_report

from .conftest import BUTTON, PRESENCE, STATION_ID, RunningServer, site_with_station, station_data
from .helpers import entity_id, move_ahead_to, setup_site

TECH = "+15555550177"
OPTIONS = {"health_contacts": f"Tech = notify.sms:{TECH}", "operating_hours": "08:00-20:00"}
TOPIC = "zigbee2mqtt/SOS"
IEEE = "a4:c1:38:85:a8:b5:4c:d1"


@pytest.fixture
def sms(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "sms")


@pytest.fixture
async def mqtt(hass: HomeAssistant, mqtt_mock: Any) -> AsyncIterator[Any]:
    """Home Assistant's real mqtt integration on a mocked client, unloaded afterwards."""
    yield mqtt_mock
    for entry in hass.config_entries.async_entries(DOMAIN):
        assert await hass.config_entries.async_unload(entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries("mqtt"):
        assert await hass.config_entries.async_unload(entry.entry_id)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=20))
    await hass.async_block_till_done()


def _told(calls: list[ServiceCall]) -> list[str]:
    return [str(c.data["message"]) for c in calls if c.data.get("target") == [TECH]]


def _problem(hass: HomeAssistant) -> tuple[str, list[str]]:
    state = hass.states.get(entity_id(hass, "binary_sensor", "device_health"))
    assert state is not None
    return state.state, list(state.attributes["faults"])


def _issues(hass: HomeAssistant) -> set[str]:
    return {i for (d, i) in ir.async_get(hass).issues if d == DOMAIN}


async def _start(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    server: RunningServer,
    learned: dict[str, Any],
) -> None:
    await hass.config.async_set_time_zone("UTC")
    move_ahead_to(freezer, 18)
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(PRESENCE, "off")
    data = station_data()
    data["sensors"] = {**data["sensors"], "learned_buttons": [learned]}
    await setup_site(hass, site_with_station(server, data, options=OPTIONS))


def test_z2m_report() -> None:
    assert z2m_report(TOPIC, '{"battery": 15, "action": ""}') == DeviceReport(TOPIC, battery=15.0)
    assert z2m_report(TOPIC, '{"linkquality": 80}') is None
    assert z2m_report(TOPIC, '{"battery": true}') is None
    assert z2m_report(TOPIC, "not json") is None
    assert z2m_report(f"{TOPIC}/action", "single") is None
    assert z2m_report(f"{TOPIC}/availability", "offline") == DeviceReport(TOPIC, available=False)
    assert z2m_report(f"{TOPIC}/availability", b'{"state": "online"}') == DeviceReport(
        TOPIC, available=True
    )
    assert z2m_report(f"{TOPIC}/availability", "{bad") is None
    assert z2m_report(f"{TOPIC}/availability", "maybe") is None


async def test_learned_z2m_button_battery_and_availability(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
    mqtt: Any,
) -> None:
    button = {"source": "mqtt", "topic": TOPIC, "help": ["emergency"]}
    await _start(hass, freezer, dispatch_server, button)
    assert _problem(hass) == ("off", [])

    async_fire_mqtt_message(hass, TOPIC, '{"action": "", "battery": 15}')
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{TOPIC}: battery_low"])
    assert _issues(hass) == {f"health_{STATION_ID}_{TOPIC}_battery_low"}
    assert _told(sms) == [f"Room 1: {TOPIC} needs attention (battery low)."]

    # A message without a battery level changes nothing; 50 % is still low.
    async_fire_mqtt_message(hass, TOPIC, '{"linkquality": 40}')
    async_fire_mqtt_message(hass, TOPIC, '{"battery": 50}')
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{TOPIC}: battery_low"])

    async_fire_mqtt_message(hass, TOPIC, '{"battery": 85}')
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])
    assert _issues(hass) == set()
    assert _told(sms)[-1] == f"Room 1: {TOPIC} is back (battery low cleared)."

    # Availability is often retained by the broker: it counts all the same.
    async_fire_mqtt_message(hass, f"{TOPIC}/availability", "offline", retain=True)
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{TOPIC}: unavailable"])
    assert _issues(hass) == {f"health_{STATION_ID}_{TOPIC}_unavailable"}
    assert _told(sms)[-1] == f"Room 1: {TOPIC} needs attention (unavailable)."

    async_fire_mqtt_message(hass, f"{TOPIC}/availability", '{"state": "online"}')
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])
    assert _told(sms)[-1] == f"Room 1: {TOPIC} is back (unavailable cleared)."
    assert len(_told(sms)) == 4


def _zha_device(hass: HomeAssistant, ieee: str) -> tuple[str, str]:
    zha = MockConfigEntry(domain="zha")
    zha.add_to_hass(hass)
    # As ZHA registers it: identifier ("zha", str(EUI64)).
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=zha.entry_id, identifiers={("zha", ieee)}
    )
    entities = er.async_get(hass)
    button = entities.async_get_or_create(
        "sensor", "zha", f"{ieee}-rssi", device_id=device.id, suggested_object_id="sos_rssi"
    ).entity_id
    battery = entities.async_get_or_create(
        "sensor",
        "zha",
        f"{ieee}-battery",
        device_id=device.id,
        original_device_class="battery",
        suggested_object_id="sos_battery",
    ).entity_id
    return button, battery


async def test_learned_zha_button_battery_and_availability(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
) -> None:
    rssi, battery = _zha_device(hass, IEEE)
    hass.states.async_set(rssi, "-60")
    hass.states.async_set(battery, "10")
    # Stored in Zigbee2MQTT's spelling: read as ZHA's.
    button = {"source": "zha", "ieee": "0xa4c13885a8b54cd1", "help": ["single"]}
    await _start(hass, freezer, dispatch_server, button)
    assert _problem(hass) == ("on", [f"{IEEE}: battery_low"])
    assert _issues(hass) == {f"health_{STATION_ID}_{IEEE}_battery_low"}
    assert _told(sms) == [f"Room 1: {IEEE} needs attention (battery low)."]

    hass.states.async_set(battery, "90")
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])

    # One entity unavailable is not the device gone; all of them is.
    hass.states.async_set(rssi, "unavailable")
    await hass.async_block_till_done()
    assert _problem(hass) == ("off", [])
    hass.states.async_set(battery, "unavailable")
    await hass.async_block_till_done()
    assert _problem(hass) == ("on", [f"{IEEE}: unavailable"])
    assert _told(sms)[-1] == f"Room 1: {IEEE} needs attention (unavailable)."


async def test_learned_zha_button_without_device_is_skipped(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    sms: list[ServiceCall],
) -> None:
    button = {"source": "zha", "ieee": IEEE, "help": ["single"]}
    await _start(hass, freezer, dispatch_server, button)
    assert _problem(hass) == ("off", [])
    assert _issues(hass) == set()
