"""Radar profiles in a real Home Assistant: the movement entity found in the registries."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.brave.adapters.radar_lookup import with_radar
from custom_components.brave.core.engine.effects import Effect
from custom_components.brave.core.engine.events import Event, Tick
from custom_components.brave.core.engine.station import Station
from custom_components.brave.core.radar import GENERIC_VALUES
from custom_components.brave.core.stations import Bindings

from ..conftest import DOOR, RunningServer, site_with_station, station_data
from ..helpers import advance, move_ahead_to, setup_site, spoken_fixture, station_state
from .fixtures import ALL, Radar, load

spoken = spoken_fixture

STILLNESS_S = 180


def register(hass: HomeAssistant, radar: Radar) -> None:
    """Put the radar's device and entities in the registries, as its stack would."""
    platform = "zha" if radar.raw["stack"] == "zha" else "mqtt"
    entry = MockConfigEntry(domain=platform)
    entry.add_to_hass(hass)
    d = radar.raw["device"]
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(platform, d["name"])},
        manufacturer=d["manufacturer"],
        model=d["model"],
        model_id=d["model_id"],
        name=d["name"],
    )
    entities = er.async_get(hass)
    for e in radar.entities:
        domain, _, object_id = e["entity_id"].partition(".")
        created = entities.async_get_or_create(
            domain,
            platform,
            e["unique_id"],
            suggested_object_id=object_id,
            config_entry=entry,
            device_id=device.id,
            original_name=e["original_name"],
            original_device_class=e["original_device_class"],
            translation_key=e["translation_key"],
            disabled_by=er.RegistryEntryDisabler.INTEGRATION if e["disabled"] else None,
        )
        assert created.entity_id == e["entity_id"]


def room_with(radar: Radar, *, bind_movement: bool = False) -> dict[str, object]:
    """A room-sensing station with a door contact and this radar's presence sensor."""
    data = station_data(room_sensing=True, door=True, motion=bind_movement)
    sensors = data["sensors"]
    sensors["presence"] = radar.presence
    if bind_movement:
        sensors["motion"] = radar.movement
    return data


async def enter_moving(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, radar: Radar, moving: str
) -> None:
    """Someone comes in, closes the door and moves about."""
    hass.states.async_set(DOOR, "off")
    hass.states.async_set(radar.presence, "on")
    assert radar.movement is not None
    hass.states.async_set(radar.movement, moving)
    await advance(hass, freezer, 3)
    assert station_state(hass) == "occupied"


@pytest.mark.parametrize("name", ALL)
async def test_the_registries_give_the_movement_entity(hass: HomeAssistant, name: str) -> None:
    radar = load(name)
    register(hass, radar)
    bindings = with_radar(hass, "station", Bindings(presence=radar.presence))
    assert bindings.motion == radar.movement
    for state, meaning in radar.raw["movement_states"].items():
        assert bindings.motion_values.read(state) is (meaning == "moving")


async def test_a_presence_sensor_outside_the_registries_is_left_alone(
    hass: HomeAssistant,
) -> None:
    bindings = Bindings(presence="binary_sensor.somewhere")
    assert with_radar(hass, "station", bindings) == bindings
    er.async_get(hass).async_get_or_create(
        "binary_sensor", "template", "no-device", suggested_object_id="no_device"
    )
    bindings = Bindings(presence="binary_sensor.no_device")
    assert with_radar(hass, "station", bindings) == bindings
    assert with_radar(hass, "station", Bindings()) == Bindings()


async def test_an_unknown_bound_movement_entity_uses_the_common_names(
    hass: HomeAssistant,
) -> None:
    bindings = with_radar(hass, "station", Bindings(motion="sensor.somewhere"))
    assert bindings.motion == "sensor.somewhere"
    assert bindings.motion_values is GENERIC_VALUES


@pytest.mark.parametrize("name", ["zy_m100_24g_zha", "zy_m100_24g_z2m"])
async def test_zy_m100_24g_movement_keeps_stillness_away(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
    name: str,
) -> None:
    """Only the presence sensor is bound; its `presence_state` sibling is found and read."""
    move_ahead_to(freezer, 12)
    radar = load(name)
    register(hass, radar)
    assert radar.movement is not None
    hass.states.async_set(DOOR, "on")
    hass.states.async_set(radar.presence, "off")
    hass.states.async_set(radar.movement, "none")
    await setup_site(hass, site_with_station(dispatch_server, room_with(radar)))
    await enter_moving(hass, freezer, radar, "move")

    # Moving about for ten minutes: no stillness prompt.
    await advance(hass, freezer, *[60] * 10)
    assert station_state(hass) == "occupied"

    # Still ("presence"): the prompt comes after the stillness time.
    hass.states.async_set(radar.movement, "presence")
    await advance(hass, freezer, STILLNESS_S - 1)
    assert station_state(hass) == "occupied"
    await advance(hass, freezer, 1)
    assert station_state(hass) == "prompting"
    assert dispatch_server.store.alerts == {}


async def test_a_bound_movement_entity_reads_through_its_profile(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    spoken: list[ServiceCall],
) -> None:
    """Aqara's `no_presence` (not a common name) counts as still for an FP1E."""
    radar = load("fp1e_z2m")
    register(hass, radar)
    assert radar.movement is not None
    hass.states.async_set(DOOR, "on")
    hass.states.async_set(radar.presence, "off")
    hass.states.async_set(radar.movement, "no_presence")
    await setup_site(hass, site_with_station(dispatch_server, room_with(radar, bind_movement=True)))
    await enter_moving(hass, freezer, radar, "movement")
    await advance(hass, freezer, *[60] * 5)
    assert station_state(hass) == "occupied"
    hass.states.async_set(radar.movement, "no_presence")
    await advance(hass, freezer, STILLNESS_S)
    assert station_state(hass) == "prompting"


async def test_a_report_storm_does_not_reach_the_engine(
    hass: HomeAssistant,
    dispatch_server: RunningServer,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ZY-M100-24G reporting every second with an unchanged movement state costs nothing."""
    radar = load("zy_m100_24g_z2m")
    register(hass, radar)
    assert radar.movement is not None
    distance = "sensor.bedroom_radar_distance"
    hass.states.async_set(DOOR, "on")
    hass.states.async_set(radar.presence, "off")
    hass.states.async_set(radar.movement, "none")
    await setup_site(hass, site_with_station(dispatch_server, room_with(radar)))
    await enter_moving(hass, freezer, radar, "move")

    handled: list[Event] = []
    handle = Station.handle

    def counting(station: Station, event: Event) -> list[Effect]:
        if not isinstance(event, Tick):
            handled.append(event)
        return handle(station, event)

    monkeypatch.setattr(Station, "handle", counting)
    start = dt_util.utcnow()
    for second in range(120):
        at = (start + timedelta(seconds=second)).isoformat()
        # Every report rewrites the device's entities: unchanged states, new attributes.
        hass.states.async_set(radar.movement, "move", {"last_seen": at})
        hass.states.async_set(radar.presence, "on", {"last_seen": at})
        hass.states.async_set(radar.movement, "move", {"last_seen": at})
        hass.states.async_set(distance, f"{1 + (second % 7) / 10:.1f}")
        await advance(hass, freezer, 1)
    assert handled == []
    assert station_state(hass) == "occupied"

    # A real change still gets through.
    hass.states.async_set(radar.movement, "presence")
    await hass.async_block_till_done()
    assert [type(event).__name__ for event in handled] == ["MotionChanged"]
