"""Button drills through real Home Assistant: scheduled, started, heard, reported, and safe.

The safety rule is tested here first: a help press during a drill is a real call for help.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    CLIENT_ID,
    MockConfigEntry,
    MockUser,
    async_fire_mqtt_message,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.brave.adapters.drills import EVENT_DRILL_REPORT
from custom_components.brave.const import DOMAIN

from ..conftest import (
    ADDRESS,
    BUTTON,
    SPEAKER,
    STATION_ID,
    TTS,
    RunningServer,
    site_data,
    site_with_station,
    station_data,
)
from ..helpers import (
    advance,
    device_id,
    move_ahead_to,
    open_site_options,
    setup_site,
    spoken_fixture,
    station_state,
)

spoken = spoken_fixture

HEALTH = "Health = notify.health"
DESK = "Desk = notify.desk"
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
OKAY = "double"  # station_data's answer gesture
HELP = "single"  # any other gesture calls for help
ASK = (
    "This is a button drill, not an alert: nobody is being called. Please give each of your "
    "buttons an okay press (double) in the next 15 minutes. A help press still calls for help."
)
HEARD = "Thanks, your button works. Nobody is being called."


def _press(hass: HomeAssistant, gesture: str, entity: str = BUTTON) -> None:
    hass.states.async_set(entity, dt_util.utcnow().isoformat(), {"event_type": gesture})


def _said(spoken: list[ServiceCall]) -> list[str]:
    return [str(call.data["message"]) for call in spoken]


def _sent(calls: list[ServiceCall]) -> list[str]:
    return [str(call.data["message"]) for call in calls]


@pytest.fixture
def health(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "health")


@pytest.fixture
def desk(hass: HomeAssistant) -> list[ServiceCall]:
    return async_mock_service(hass, "notify", "desk")


@pytest.fixture
def reports(hass: HomeAssistant) -> list[Event]:
    found: list[Event] = []
    hass.bus.async_listen(EVENT_DRILL_REPORT, found.append)
    return found


def _site_sensor(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> Any:
    entity = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{entry.entry_id}_{key}")
    assert entity is not None
    return hass.states.get(entity)


async def test_a_scheduled_drill_asks_hears_and_reports(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
    health: list[ServiceCall],
    desk: list[ServiceCall],
    reports: list[Event],
    hass_ws_client: WebSocketGenerator,
    hass_admin_user: MockUser,
) -> None:
    await hass.config.async_set_time_zone("UTC")
    await async_setup_component(hass, "persistent_notification", {})
    move_ahead_to(freezer, 9)
    hass.states.async_set(BUTTON, "unknown")
    options = {
        "health_contacts": HEALTH,
        "drills": {"days": EVERY_DAY, "time": "10:00:00", "window": 15, "targets": DESK},
    }
    entry = site_with_station(dispatch_server, station_data(), options=options)
    await setup_site(hass, entry)
    assert _site_sensor(hass, entry, "drill_report").state == "unknown"

    await advance(hass, freezer, 3599)
    assert spoken == []
    await advance(hass, freezer, 1)
    # 10:00: the room is asked through its speaker, and staff on their phones.
    assert _said(spoken) == [ASK]
    assert _sent(desk) == [
        (
            "Brave button drill: please press each button within 15 minutes, with the okay press "
            "(rooms asked: 1). A help press calls for help for real."
        )
    ]
    sensor = _site_sensor(hass, entry, "drill_report")
    assert sensor.state == "running"
    assert sensor.attributes["buttons_asked"] == 1

    await advance(hass, freezer, 60)
    _press(hass, OKAY)
    await hass.async_block_till_done()
    # Heard: the room is thanked, nobody is called, and the drill reports at once.
    assert _said(spoken) == [ASK, HEARD]
    assert station_state(hass) == "idle"
    assert dispatch_server.store.alerts == {}
    title = "Brave drill 1: buttons heard 1/1"
    report = f"{title}. Every button asked for was heard."
    assert _sent(health) == [report]
    assert _sent(desk)[1:] == [report]
    [event] = reports
    assert event.data["result"] == "all_heard"
    assert event.data["site"] == entry.entry_id
    assert event.data["stations"][0]["heard"] == [BUTTON]
    # Home Assistant's UI, connected with a token made now (the clock has moved on).
    refresh = await hass.auth.async_create_refresh_token(hass_admin_user, CLIENT_ID)
    ws = await hass_ws_client(hass, hass.auth.async_create_access_token(refresh))
    await ws.send_json_auto_id({"type": "persistent_notification/get"})
    [notice] = [n for n in (await ws.receive_json())["result"] if n["title"] == title]
    assert notice["message"] == "Every button asked for was heard."
    sensor = _site_sensor(hass, entry, "drill_report")
    assert sensor.state == "all_heard"
    assert sensor.attributes["buttons_heard"] == 1
    assert sensor.attributes["not_heard"] == []

    # The next day at 10:00, the next drill.
    await advance(hass, freezer, 24 * 3600 - 60)
    assert _said(spoken)[-1] == ASK
    assert _site_sensor(hass, entry, "drill_report").attributes["number"] == 2
    await advance(hass, freezer, 15 * 60)
    assert _site_sensor(hass, entry, "drill_report").state == "some_not_heard"


async def test_a_help_press_during_a_drill_calls_for_help(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
    health: list[ServiceCall],
) -> None:
    """The drill never swallows a real call for help: it goes out exactly as without one."""
    hass.states.async_set(BUTTON, "unknown")
    entry = site_with_station(dispatch_server, station_data(), options={"health_contacts": HEALTH})
    await setup_site(hass, entry)
    steps: list[dict[str, Any]] = []
    events = er.async_get(hass).async_get_entity_id("event", DOMAIN, f"{STATION_ID}_lifecycle")
    hass.bus.async_listen(
        "state_changed",
        lambda e: (
            steps.append(dict(e.data["new_state"].attributes))
            if e.data["entity_id"] == events
            else None
        ),
    )
    await hass.services.async_call(
        DOMAIN, "start_drill", {"stations": [device_id(hass)]}, blocking=True
    )
    assert _said(spoken) == [ASK]

    await advance(hass, freezer, 30)
    _press(hass, HELP)
    await hass.async_block_till_done()
    # A real alert, with the location (help requests share it), not marked as a test.
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    assert stored.request["location"]["address"] == ADDRESS
    assert [s["event_type"] for s in steps] == ["alert"]
    assert "test" not in steps[0]
    # The room hears that help is coming, not the drill's thanks.
    assert _said(spoken) == [ASK, "Help has been called and is on the way."]
    # The drill heard the button, and says a real call went out during it.
    assert _sent(health) == [
        (
            "Brave drill 1: buttons heard 1/1. Every button asked for was heard. A help press "
            "during the drill went out as a real call for help: Room 1."
        )
    ]

    # More presses count as they always do.
    await advance(hass, freezer, 5)
    _press(hass, "single_again")
    await hass.async_block_till_done()
    assert stored.alert["urgency"] == "urgent"
    assert len(dispatch_server.store.alerts) == 1


async def test_a_help_press_on_a_drill_still_waiting_for_others_calls_for_help(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
) -> None:
    """A help press on a button the drill did not ask for (every press calls for help)."""
    second = "event.room_button_2"
    data = station_data()
    data["sensors"]["buttons"] = [BUTTON, second]
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set(second, "unknown")
    await setup_site(hass, site_with_station(dispatch_server, data))
    await hass.services.async_call(DOMAIN, "start_drill", {}, blocking=True)
    _press(hass, OKAY)
    await hass.async_block_till_done()
    _press(hass, HELP, second)
    await hass.async_block_till_done()
    assert station_state(hass) == "alert"
    [stored] = dispatch_server.store.alerts.values()
    assert stored.request["kind"] == "help_request"
    assert _said(spoken) == [ASK, HEARD, "Help has been called and is on the way."]


def _two_rooms(server: RunningServer) -> MockConfigEntry:
    site = server.store.add_site({"name": "Home", "callback_url": None})
    quiet = station_data()
    quiet["sensors"]["buttons"] = ["event.room_2_button"]
    return MockConfigEntry(
        domain=DOMAIN,
        title="Brave reference dispatch",
        unique_id=server.url,
        data=site_data(server, site),
        options={"health_contacts": HEALTH},
        subentries_data=[
            ConfigSubentryData(
                data=station_data(),
                subentry_id=STATION_ID,
                subentry_type="station",
                title="Room 1",
                unique_id=None,
            ),
            ConfigSubentryData(
                data=quiet,
                subentry_id="station0002",
                subentry_type="station",
                title="Room 2",
                unique_id=None,
            ),
        ],
    )


async def test_an_unanswered_drill_reports_at_the_end_even_across_a_restart(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
    health: list[ServiceCall],
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    hass.states.async_set("event.room_2_button", "unknown")
    entry = _two_rooms(dispatch_server)
    await setup_site(hass, entry)
    # Room 1 is busy with a call for help: the drill leaves it alone.
    _press(hass, HELP)
    await hass.async_block_till_done()
    said = len(spoken)
    response = await hass.services.async_call(
        DOMAIN,
        "start_drill",
        {"site": entry.entry_id, "window": {"minutes": 10}},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    [started] = response["drills"]  # type: ignore[misc]
    assert started["stations"] == 2
    # Only room 2 is asked.
    assert len(spoken) == said + 1
    assert "in the next 10 minutes" in _said(spoken)[-1]
    assert spoken[-1].data["media_player_entity_id"] == SPEAKER
    assert spoken[-1].data["entity_id"] == TTS
    with pytest.raises(ServiceValidationError, match="already running"):
        await hass.services.async_call(DOMAIN, "start_drill", {}, blocking=True)

    # Home Assistant restarts during the drill; the drill carries on.
    await advance(hass, freezer, 120)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    running = await hass.services.async_call(
        DOMAIN, "drill_report", {}, blocking=True, return_response=True
    )
    assert running is not None
    [site] = running["reports"]  # type: ignore[misc]
    assert site["running"]["result"] == "running"
    assert site["last"] is None

    await advance(hass, freezer, 7 * 60)
    assert health == []
    await advance(hass, freezer, 60)
    assert _sent(health) == [
        (
            "Brave drill 1: buttons heard 0/1. Not heard: Room 2 (event.room_2_button). Rooms "
            "that did not answer: Room 2. Left out (alert in progress or paused): Room 1."
        )
    ]
    answer = await hass.services.async_call(
        DOMAIN, "drill_report", {}, blocking=True, return_response=True
    )
    assert answer is not None
    [site] = answer["reports"]  # type: ignore[misc]
    assert site["running"] is None
    assert site["last"]["result"] == "some_not_heard"
    assert site["last"]["prompts_unanswered"] == 1
    sensor = _site_sensor(hass, entry, "drill_report")
    assert sensor.attributes["not_heard"] == ["Room 2: event.room_2_button"]
    assert sensor.attributes["left_out"] == ["Room 1"]


async def test_a_drill_due_while_stopped_reports_at_start(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    health: list[ServiceCall],
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    entry = site_with_station(dispatch_server, station_data(), options={"health_contacts": HEALTH})
    await setup_site(hass, entry)
    await hass.services.async_call(DOMAIN, "start_drill", {}, blocking=True)
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.tick(16 * 60)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _sent(health)[0].startswith("Brave drill 1: buttons heard 0/1.")
    assert _site_sensor(hass, entry, "drill_report").state == "some_not_heard"


async def test_paused_stations_are_left_out(
    hass: HomeAssistant, dispatch_server: RunningServer, spoken: list[ServiceCall]
) -> None:
    hass.states.async_set(BUTTON, "unknown")
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    await hass.services.async_call(DOMAIN, "pause", {"station": device_id(hass)}, blocking=True)
    spoken.clear()  # the room says monitoring is paused
    await hass.services.async_call(DOMAIN, "start_drill", {}, blocking=True)
    # Nothing is asked of someone who paused monitoring: nothing to wait for.
    assert spoken == []
    assert _site_sensor(hass, entry, "drill_report").state == "running"


async def test_start_drill_refuses_what_it_cannot_find(
    hass: HomeAssistant, dispatch_server: RunningServer
) -> None:
    entry = site_with_station(dispatch_server, station_data())
    await setup_site(hass, entry)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("other", "x")}
    )
    with pytest.raises(ServiceValidationError, match="No loaded Brave station"):
        await hass.services.async_call(
            DOMAIN, "start_drill", {"stations": [other.id]}, blocking=True
        )
    with pytest.raises(ServiceValidationError, match="No running Brave site"):
        await hass.services.async_call(DOMAIN, "start_drill", {"site": "nope"}, blocking=True)
    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError, match="No running Brave site"):
        await hass.services.async_call(
            DOMAIN, "drill_report", {}, blocking=True, return_response=True
        )


IEEE = "a4:c1:38:2b:7e:11:90:01"


def _zha(hass: HomeAssistant, command: str) -> None:
    hass.bus.async_fire(
        "zha_event", {"device_ieee": IEEE, "command": command, "args": [], "params": {}}
    )


async def test_learned_zha_buttons_are_heard_on_any_gesture(
    hass: HomeAssistant, dispatch_server: RunningServer, spoken: list[ServiceCall]
) -> None:
    data = station_data()
    okay = {
        "source": "zha",
        "ieee": IEEE,
        "help": ["remote_button_short_press"],
        "answer": ["remote_button_double_press"],
    }
    data["sensors"] = {"learned_buttons": [okay, {**okay, "ieee": "a4:c1:38:00:00:00:00:02"}]}
    await setup_site(hass, site_with_station(dispatch_server, data))
    await hass.services.async_call(DOMAIN, "start_drill", {}, blocking=True)
    assert "okay press (remote_button_double_press)" in _said(spoken)[0]
    # A gesture the station gives no meaning: the station ignores it, the drill hears it.
    _zha(hass, "remote_button_long_press")
    hass.bus.async_fire("zha_event", {"device_ieee": "not an address", "command": "x"})
    await hass.async_block_till_done()
    assert station_state(hass) == "idle"
    assert _said(spoken)[1:] == [HEARD]
    report = await hass.services.async_call(
        DOMAIN, "drill_report", {}, blocking=True, return_response=True
    )
    assert report is not None
    [site] = report["reports"]  # type: ignore[misc]
    assert site["running"]["stations"][0]["heard"] == [IEEE]


async def test_learned_zigbee2mqtt_buttons_are_heard(
    hass: HomeAssistant, dispatch_server: RunningServer, mqtt: Any, health: list[ServiceCall]
) -> None:
    data = station_data()
    data["modes"]["help_button"] = False
    # Without the help-button mode no press calls for help: any press is asked for.
    data["sensors"] = {"learned_buttons": [{"source": "mqtt", "topic": "zigbee2mqtt/SOS"}]}
    entry = site_with_station(dispatch_server, data, options={"health_contacts": HEALTH})
    await setup_site(hass, entry)
    await hass.services.async_call(DOMAIN, "start_drill", {}, blocking=True)
    await hass.async_block_till_done()
    # A retained message is an old press: not heard.
    async_fire_mqtt_message(hass, "zigbee2mqtt/SOS/action", "emergency", retain=True)
    await hass.async_block_till_done()
    assert health == []
    async_fire_mqtt_message(hass, "zigbee2mqtt/SOS", '{"action": "emergency", "battery": 90}')
    await hass.async_block_till_done()
    assert _sent(health)[0].startswith("Brave drill 1: buttons heard 1/1.")
    assert station_state(hass) == "idle"


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


async def test_drill_settings_in_the_site_options(
    hass: HomeAssistant, site_entry: MockConfigEntry
) -> None:
    site_entry.add_to_hass(hass)
    result = await open_site_options(hass, site_entry, "responders")
    for drills in (
        {"days": ["mon"], "window": 15},
        {"days": ["mon"], "time": "10:00:00", "window": 15, "targets": "Desk = sms +1555"},
    ):
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"drills": drills}
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {
            "base": "invalid_targets" if "targets" in drills else "invalid_drill_schedule"
        }
    drills = {"days": ["mon", "thu"], "time": "10:00:00", "window": 20, "targets": DESK}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"drills": drills}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert site_entry.options["drills"] == drills


async def test_unreadable_drill_settings_mean_no_schedule(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
    caplog: pytest.LogCaptureFixture,
) -> None:
    options = {"drills": {"days": ["mon"], "time": "later", "targets": "not a target"}}
    await setup_site(hass, site_with_station(dispatch_server, station_data(), options=options))
    assert "drill schedule of site" in caplog.text
    assert "drill contact of site" in caplog.text
    await advance(hass, freezer, 8 * 24 * 3600)
    assert spoken == []


async def test_a_scheduled_drill_is_skipped_while_the_last_one_runs(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    dispatch_server: RunningServer,
    spoken: list[ServiceCall],
    health: list[ServiceCall],
) -> None:
    await hass.config.async_set_time_zone("UTC")
    move_ahead_to(freezer, 9)
    hass.states.async_set(BUTTON, "unknown")
    options = {
        "health_contacts": HEALTH,
        "drills": {"days": EVERY_DAY, "time": "10:00:00", "window": 15},
    }
    entry = site_with_station(dispatch_server, station_data(), options=options)
    await setup_site(hass, entry)
    # 9:50, by hand, for an hour: still running at 10:00.
    await advance(hass, freezer, 3000)
    await hass.services.async_call(DOMAIN, "start_drill", {"window": {"hours": 1}}, blocking=True)
    assert len(spoken) == 1
    await advance(hass, freezer, 600)
    # 10:00: nothing new is asked, and the drill by hand carries on.
    assert len(spoken) == 1
    sensor = _site_sensor(hass, entry, "drill_report")
    assert (sensor.state, sensor.attributes["number"]) == ("running", 1)
    await advance(hass, freezer, 3000)
    assert _sent(health)[0].startswith("Brave drill 1: buttons heard 0/1.")
    # The next day's drill runs as scheduled.
    await advance(hass, freezer, 24 * 3600 - 3000)
    assert len(spoken) == 2
    assert _site_sensor(hass, entry, "drill_report").attributes["number"] == 2
