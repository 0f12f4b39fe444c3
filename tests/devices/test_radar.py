"""The radar profile table and movement-entity detection, on real entity shapes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from custom_components.brave.core.radar import (
    FP1E,
    GENERIC,
    GENERIC_VALUES,
    PROFILES,
    SNZB_06P,
    ZG_204ZM,
    ZY_M100,
    ZY_M100_24G,
    DeviceFacts,
    EntityFacts,
    find_movement_entity,
    movement_values_for,
    profile_for,
)

from .fixtures import ALL, WITH_MOVEMENT, facts, load

MEANING = {"moving": True, "still": False}


def test_every_model_has_a_fixture_on_each_stack() -> None:
    for profile in PROFILES:
        for stack in ("zha", "z2m"):
            assert f"{profile.key}_{stack}" in ALL
    assert "generic_zha" in ALL


@pytest.mark.parametrize("name", ALL)
def test_the_device_is_recognised(name: str) -> None:
    radar = load(name)
    assert profile_for(radar.device).key == radar.raw["profile"]


@pytest.mark.parametrize("name", ALL)
def test_the_movement_entity_is_picked(name: str) -> None:
    radar = load(name)
    found = find_movement_entity(radar.device, radar.siblings())
    assert (found.entity_id if found else None) == radar.movement
    if found is not None:
        assert found.profile.has_stillness


@pytest.mark.parametrize("name", WITH_MOVEMENT)
def test_movement_values_mean_moving_or_still(name: str) -> None:
    radar = load(name)
    found = find_movement_entity(radar.device, radar.siblings())
    assert found is not None
    for state, meaning in radar.raw["movement_states"].items():
        assert found.values.read(state) is MEANING[meaning], state
    for state in [*radar.raw["ignored_states"], "unknown", "unavailable", "42"]:
        assert found.values.read(state) is None, state


@pytest.mark.parametrize("name", WITH_MOVEMENT)
def test_renamed_entity_ids_are_still_found(name: str) -> None:
    """People rename entity ids; the unique id (and ZHA's translation key) stay."""
    radar = load(name)
    renamed = {
        f"{entity.entity_id.partition('.')[0]}.renamed_{number}": entity
        for number, entity in enumerate(radar.siblings())
    }
    found = find_movement_entity(
        radar.device, [replace(entity, entity_id=new) for new, entity in renamed.items()]
    )
    assert found is not None
    assert renamed[found.entity_id].entity_id == radar.movement


def test_another_zigbee2mqtt_base_topic() -> None:
    radar = load("zy_m100_24g_z2m")
    moved = [
        replace(e, unique_id=e.unique_id.replace("_zigbee2mqtt", "_z2m_upstairs"))
        for e in radar.siblings()
    ]
    found = find_movement_entity(radar.device, moved)
    assert found is not None
    assert found.entity_id == radar.movement


def test_a_zha_entity_without_its_unique_id_is_found_by_name() -> None:
    device = DeviceFacts("_TZE200_kb5noeto", "TS0601")
    entity = EntityFacts("sensor.kitchen_radar_human_motion_state", "zha", unique_id="")
    found = find_movement_entity(device, [entity])
    assert found is not None
    assert found.profile is ZG_204ZM


def test_an_entity_of_the_other_stack_is_not_taken() -> None:
    radar = load("zy_m100_24g_z2m")
    as_zha = [replace(e, platform="zha") for e in radar.siblings()]
    assert find_movement_entity(radar.device, as_zha) is None


def test_no_movement_entity_on_an_unknown_device() -> None:
    radar = load("zy_m100_24g_z2m")
    unknown = DeviceFacts("Some vendor", "Some radar", "SR-1")
    assert find_movement_entity(unknown, radar.siblings()) is None
    assert find_movement_entity(None, radar.siblings()) is None


@pytest.mark.parametrize(
    ("device", "profile"),
    [
        (DeviceFacts("_TZE200_ikvncluo", "TS0601"), ZY_M100),
        (
            DeviceFacts(
                "Tuya", "Smart Human presence sensor", "TS0601_smart_human_presence_sensor_1"
            ),
            ZY_M100,
        ),
        (DeviceFacts("_tze204_7gclukjs", "ts0601"), ZY_M100_24G),
        (DeviceFacts("Tuya", "24G MmWave radar", "ZY-M100-24GV3"), ZY_M100_24G),
        (DeviceFacts("HOBEIAN", "ZG-204ZM"), ZG_204ZM),
        (DeviceFacts("aqara", "lumi.sensor_occupy.agl1"), FP1E),
        (DeviceFacts("SONOFF", "SNZB-06P"), SNZB_06P),
        (DeviceFacts("_TZE200_ikvncluo", "TS0207"), GENERIC),
        (DeviceFacts(None, None), GENERIC),
        (None, GENERIC),
    ],
)
def test_profiles_by_manufacturer_and_model(device: DeviceFacts | None, profile: object) -> None:
    assert profile_for(device) is profile


def test_what_each_profile_offers() -> None:
    assert [p.key for p in PROFILES if p.has_stillness] == ["zy_m100_24g", "zg_204zm", "fp1e"]
    assert not GENERIC.has_stillness
    assert ZY_M100.report_interval == timedelta(seconds=1)
    assert ZY_M100_24G.report_interval == timedelta(seconds=1)
    assert SNZB_06P.report_interval is None


def test_no_device_is_in_two_profiles() -> None:
    seen: set[tuple[str, str]] = set()
    for profile in PROFILES:
        assert not seen & profile.devices, profile.key
        seen |= profile.devices
    assert len({p.key for p in PROFILES}) == len(PROFILES)


def test_a_bound_movement_entity_is_read_through_its_profile() -> None:
    radar = load("fp1e_z2m")
    [entity] = [facts(e) for e in radar.entities if e["entity_id"] == radar.movement]
    values = movement_values_for(radar.device, entity)
    assert values.read("no_presence") is False
    # The common names do not include Aqara's "no_presence".
    assert GENERIC_VALUES.read("no_presence") is None


def test_other_bound_entities_use_the_common_names() -> None:
    pir = EntityFacts("binary_sensor.hall_pir", "zha", unique_id="00:11-1-1280")
    assert movement_values_for(DeviceFacts("IKEA of Sweden", "E1745"), pir) is GENERIC_VALUES
    assert movement_values_for(None, None) is GENERIC_VALUES


def test_the_common_names_are_unchanged() -> None:
    moving = ["on", "moving", "move", "movement", "large", "small", "MOVE", "Large"]
    still = ["off", "still", "static", "no_movement", "presence", "none", "Static", "Off"]
    assert all(GENERIC_VALUES.read(v) is True for v in moving)
    assert all(GENERIC_VALUES.read(v) is False for v in still)
