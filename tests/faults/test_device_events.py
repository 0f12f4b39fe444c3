"""Duplicate, out-of-order and malformed device events through real Home Assistant.

Nothing raises out of a handler (Home Assistant would log it and drop the event), nothing is
counted twice, and a sensor lost during a visit is "cannot watch", told at once, never "fine".
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, ServiceCall, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.brave.const import DOMAIN

from ..conftest import (
    BUTTON,
    DOOR,
    MOTION,
    PRESENCE,
    STATION_ID,
    RunningServer,
    site_with_station,
    station_data,
)
from ..helpers import advance, entity_id, setup_site, station_state

IEEE = "a4:c1:38:85:a8:b5:4c:d1"
TOPIC = "zigbee2mqtt/SOS"
TECH = "+15555550177"


@pytest.fixture(autouse=True)
def no_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever the devices send, nothing is logged as an error (no handler raised)."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


@pytest.fixture
def sms(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "sms")


@pytest.fixture
def lifecycle(hass: HomeAssistant) -> list[str]:
    """Every lifecycle event the station fires."""
    fired: list[str] = []

    @callback
    def listen(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if (
            event.data["entity_id"]
            == er.async_get(hass).async_get_entity_id("event", DOMAIN, f"{STATION_ID}_lifecycle")
            and new is not None
            and new.attributes.get("event_type")
        ):
            fired.append(str(new.attributes["event_type"]))

    hass.bus.async_listen(EVENT_STATE_CHANGED, listen)
    return fired


# -- states --------------------------------------------------------------------------------


async def _room(hass: HomeAssistant, **states: str) -> None:
    defaults = {BUTTON: "unknown", DOOR: "on", PRESENCE: "off", MOTION: "still"}
    for entity, state in {**defaults, **states}.items():
        hass.states.async_set(entity, state)


async def test_repeated_reports_count_once(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await _room(hass)
    entry = site_with_station(
        dispatch_server, station_data(room_sensing=True, door=True, motion=True)
    )
    await setup_site(hass, entry)
    driver = entry.runtime_data.drivers[STATION_ID]
    hass.states.async_set(DOOR, "off")
    for _ in range(5):
        # The same state again, and again with a new attribute: reports, not changes.
        hass.states.async_set(PRESENCE, "on")
        hass.states.async_set(PRESENCE, "on", {"distance": 1.5})
        await advance(hass, freezer, 1)
    assert station_state(hass) == "occupied"
    started = driver.engine.state.session_start
    assert started is not None
    # A button entity that reports the same event again is not a second press.
    pressed = dt_util.utcnow().isoformat()
    for _ in range(3):
        hass.states.async_set(BUTTON, pressed, {"event_type": "single"})
        await hass.async_block_till_done()
    [stored] = dispatch_server.store.alerts.values()
    assert stored.events == []
    assert driver.engine.state.ladder is not None
    assert driver.engine.state.ladder.presses == 1
    assert driver.engine.state.session_start == started


async def test_a_door_that_closes_before_it_opened(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    """The first report is "closed" (the open was missed), and then "closed" again."""
    hass.states.async_set(PRESENCE, "off")
    hass.states.async_set(MOTION, "still")
    await setup_site(
        hass,
        site_with_station(dispatch_server, station_data(room_sensing=True, door=True, motion=True)),
    )
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(DOOR, "off", {"contact": True})
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"
    # Opening ends the visit; a close reported twice starts one visit.
    hass.states.async_set(DOOR, "on")
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(DOOR, "off", {"contact": True})
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"
    await advance(hass, freezer, 179)
    assert station_state(hass) == "occupied"
    await advance(hass, freezer, 1)
    assert station_state(hass) == "prompting"


async def test_flapping_presence_starts_no_visit_and_raises_nothing(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await _room(hass, **{DOOR: "off"})
    await setup_site(hass, site_with_station(dispatch_server, station_data(room_sensing=True)))
    for n in range(60):
        hass.states.async_set(PRESENCE, "on" if n % 2 == 0 else "off")
        await advance(hass, freezer, 1)
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}
    # Once it stays on for the confirm time, a visit starts.
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"


async def test_a_movement_value_no_profile_knows_changes_nothing(
    hass: HomeAssistant, dispatch_server: RunningServer, freezer: FrozenDateTimeFactory
) -> None:
    await _room(hass)
    entry = site_with_station(
        dispatch_server, station_data(room_sensing=True, door=True, motion=True)
    )
    await setup_site(hass, entry)
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)
    still_since = entry.runtime_data.drivers[STATION_ID].engine.state.still_since
    for value in ("wobbling", "", "42", "MOVING_SLOWLY", "none\x00"):
        hass.states.async_set(MOTION, value)
        await advance(hass, freezer, 1)
    assert entry.runtime_data.drivers[STATION_ID].engine.state.still_since == still_since
    # Stillness is still counted from the visit's start: unknown values are not movement.
    await advance(hass, freezer, 180 - 5 - 1)
    assert station_state(hass) == "occupied"
    await advance(hass, freezer, 1)
    assert station_state(hass) == "prompting"


async def test_a_sensor_lost_during_a_visit_is_told_at_once_and_restored(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    sms: list[ServiceCall],
    lifecycle: list[str],
) -> None:
    await _room(hass, **{DOOR: "off"})
    entry = site_with_station(
        dispatch_server,
        station_data(room_sensing=True, door=True, motion=True),
        options={"health_contacts": f"Tech = notify.sms:{TECH}"},
    )
    await setup_site(hass, entry)
    hass.states.async_set(PRESENCE, "on")
    await advance(hass, freezer, 3)

    # Lost, and reported lost again: told once, at once (the visit's contacts and the
    # device's health contacts).
    for attributes in ({}, {"restored": True}, {}):
        hass.states.async_set(MOTION, "unavailable", attributes)
        await hass.async_block_till_done()
    assert station_state(hass) == "cannot_monitor"
    assert lifecycle.count("cannot_monitor") == 1
    assert [c.data["message"] for c in sms] == [
        f"Room 1: {MOTION} stopped reporting during a visit. Please check on the room.",
        f"Room 1: {MOTION} needs attention (unavailable).",
    ]
    notice = f"{DOMAIN}_{STATION_ID}_{MOTION}"
    assert notice in hass.data[persistent_notification.DOMAIN]
    # Never "all fine": the stillness clock runs on from the last movement seen, and the
    # occupant is asked on time.
    await advance(hass, freezer, 179)
    assert station_state(hass) == "cannot_monitor"
    await advance(hass, freezer, 1)
    assert station_state(hass) == "prompting"

    hass.states.async_set(MOTION, "still")
    await hass.async_block_till_done()
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id(hass, "button", "im_ok")}, blocking=True
    )
    await hass.async_block_till_done()
    assert station_state(hass) == "occupied"
    assert lifecycle.count("monitoring_restored") == 1
    assert notice not in hass.data[persistent_notification.DOMAIN]
    assert sms[-1].data["message"] == f"Room 1: {MOTION} is back (unavailable cleared)."
    assert len(sms) == 3
    # No data yet ("unknown", as after a restart of its integration) is not watching either.
    hass.states.async_set(MOTION, "unknown")
    await hass.async_block_till_done()
    assert station_state(hass) == "cannot_monitor"
    hass.states.async_set(MOTION, "still")
    await hass.async_block_till_done()
    assert station_state(hass) == "occupied"
    # Removed altogether (the entity deleted) is lost too.
    hass.states.async_remove(PRESENCE)
    await hass.async_block_till_done()
    assert station_state(hass) == "cannot_monitor"


# -- ZHA events ------------------------------------------------------------------------------

ZHA_BUTTON = {
    "source": "zha",
    "ieee": IEEE,
    "help": ["remote_button_short_press", "attribute_updated:1"],
    "answer": [],
    "start_check_in": [],
}


def _learned(*buttons: dict[str, Any]) -> dict[str, Any]:
    data = station_data()
    data["sensors"] = {"learned_buttons": list(buttons)}
    return data


BAD_ZHA_EVENTS = {
    "a 9-byte IEEE": {"device_ieee": f"{IEEE}:ff", "command": "remote_button_short_press"},
    "a 9-byte IEEE, Zigbee2MQTT's spelling": {
        "device_ieee": "0xa4c13885a8b54cd1ff",
        "command": "remote_button_short_press",
    },
    "a garbage IEEE": {"device_ieee": "zz:zz:zz", "command": "remote_button_short_press"},
    "an empty IEEE": {"device_ieee": "", "command": "remote_button_short_press"},
    "an IEEE that is a number": {"device_ieee": 12, "command": "remote_button_short_press"},
    "no IEEE": {"command": "remote_button_short_press"},
    "no command": {"device_ieee": IEEE},
    "an empty command": {"device_ieee": IEEE, "command": ""},
    "a command that is a list": {"device_ieee": IEEE, "command": ["remote_button_short_press"]},
    "args that are a string": {"device_ieee": IEEE, "command": "attribute_updated", "args": "1"},
    "args that are a list": {"device_ieee": IEEE, "command": "attribute_updated", "args": [1]},
    "args with a value of another type": {
        "device_ieee": IEEE,
        "command": "attribute_updated",
        "args": {"value": [1]},
    },
}


async def test_malformed_zha_events_are_no_press(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    await setup_site(hass, site_with_station(dispatch_server, _learned(ZHA_BUTTON)))
    for data in BAD_ZHA_EVENTS.values():
        hass.bus.async_fire("zha_event", data)
        await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}

    # The button's real press still calls for help, once.
    hass.bus.async_fire(
        "zha_event", {"device_ieee": IEEE, "command": "attribute_updated", "args": {"value": 1}}
    )
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    assert len(dispatch_server.store.alerts) == 1


# -- Zigbee2MQTT through Home Assistant's real mqtt integration ------------------------------


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


BAD_Z2M = [
    (TOPIC, "not json"),
    (TOPIC, "{"),
    (TOPIC, '"emergency"'),
    (TOPIC, "[1, 2]"),
    (TOPIC, "null"),
    (TOPIC, '{"action": 5}'),
    (TOPIC, '{"action": ["emergency"]}'),
    (TOPIC, '{"action": {"emergency": true}}'),
    (TOPIC, '{"action": null, "battery": "low"}'),
    (TOPIC, '{"battery": true}'),
    (TOPIC, '{"battery": {"level": 5}}'),
    (TOPIC, "[" * 100_000),
    (TOPIC, b"\xff\xfe\xfd"),
    (f"{TOPIC}/action", ""),
    (f"{TOPIC}/action", "   "),
    (f"{TOPIC}/action", b"\xff"),
    (f"{TOPIC}/availability", "maybe"),
    (f"{TOPIC}/availability", '{"state": 3}'),
    (f"{TOPIC}/availability", "[1]"),
    (f"{TOPIC}/availability", "{" * 100_000),
]


async def test_malformed_zigbee2mqtt_messages_are_no_press(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    mqtt: Any,
    sms: list[ServiceCall],
) -> None:
    button = {"source": "mqtt", "topic": TOPIC, "help": ["emergency"]}
    await setup_site(
        hass,
        site_with_station(
            dispatch_server,
            _learned(button),
            options={"health_contacts": f"Tech = notify.sms:{TECH}"},
        ),
    )
    for topic, payload in BAD_Z2M:
        async_fire_mqtt_message(hass, topic, payload)
        await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}
    # Nothing about the button's health was made up from them.
    assert sms == []
    health = hass.states.get(entity_id(hass, "binary_sensor", "device_health"))
    assert health is not None
    assert health.state == "off"

    async_fire_mqtt_message(hass, f"{TOPIC}/action", "emergency")
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    assert len(dispatch_server.store.alerts) == 1
