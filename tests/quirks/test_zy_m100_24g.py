"""ZY-M100-24G radar quirk: real signature matched, Tuya data-point reports become attributes."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

from homeassistant.components.zha.helpers import async_get_zha_device_proxy
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from zha.quirks import DEVICE_REGISTRY, ModelInfo

from .conftest import (
    ZHA_PROFILE,
    Endpoint,
    FakeApp,
    Signature,
    frame,
    join,
    next_tsn,
    node_descriptor,
    quirk_file,
    zha_device_id,
)

TUYA = 0xEF00
OCCUPANCY = 0x0406
ILLUMINANCE = 0x0400
NWK = 0x4C21
IEEE = "a4:c1:38:2b:5e:71:90:0d"

BOOL, VALUE, ENUM = 0x01, 0x02, 0x04

V1 = "_TZE204_ijxvkhd0"
V2 = "_TZE204_7gclukjs"
V3 = "_TZE204_ya4ft0w4"
ALL_IDS = (V1, V2, V3, "_TZE200_ya4ft0w4", "_TZE204_gkfbdvyx", "_TZE200_gkfbdvyx")

# As the radar reports itself (ZHA signature of a _TZE204_ya4ft0w4, zha-device-handlers
# issue 3390): a mains-powered Tuya router, endpoint 1 with Basic, Groups, Scenes and the Tuya
# cluster in, Time and OTA out, and the Green Power endpoint 242.
RADAR_ENDPOINTS = {
    1: Endpoint(
        profile_id=ZHA_PROFILE,
        device_type=0x0051,
        input_clusters=(0x0000, 0x0004, 0x0005, TUYA),
        output_clusters=(0x000A, 0x0019),
    ),
    242: Endpoint(
        profile_id=0xA1E0, device_type=0x0061, input_clusters=(), output_clusters=(0x0021,)
    ),
}


def signature(manufacturer: str) -> Signature:
    return Signature(
        manufacturer=manufacturer,
        model="TS0601",
        node_descriptor=node_descriptor(router=True, manufacturer_code=4417),
        endpoints=RADAR_ENDPOINTS,
    )


def encode(dp_type: int, value: int) -> bytes:
    return value.to_bytes(4 if dp_type == VALUE else 1, "big")


def dp_report(*points: tuple[int, int, int]) -> bytes:
    """A Tuya data-point report (command 0x02), server to client: (dp, type, value) each."""
    body = bytearray([0x09, next_tsn(), 0x02, 0x00, next_tsn()])
    for dp, dp_type, value in points:
        data = encode(dp_type, value)
        body += bytes([dp, dp_type]) + len(data).to_bytes(2, "big") + data
    return bytes(body)


def report(app: FakeApp, *points: tuple[int, int, int]) -> None:
    app.packet_received(frame(NWK, TUYA, dp_report(*points)))


def seen(radar: Any) -> tuple[Any, str]:
    """(occupancy, presence state) as ZHA's entities would read them."""
    endpoint = radar.endpoints[1]
    state = endpoint.tuya_manufacturer.get("presence_state")
    return endpoint.occupancy.get("occupancy"), None if state is None else state.name


@pytest.mark.parametrize("manufacturer", ALL_IDS)
async def test_quirk_applies_to_the_real_signature(
    app: FakeApp, quirks: dict[str, ModuleType], manufacturer: str
) -> None:
    radar = join(app, signature(manufacturer), IEEE, NWK)

    assert quirk_file(radar) == quirks["zy_m100_24g"].__file__
    in_clusters = radar.endpoints[1].in_clusters
    assert sorted(in_clusters) == [0x0000, 0x0004, 0x0005, ILLUMINANCE, OCCUPANCY, TUYA]
    assert type(in_clusters[OCCUPANCY]).__name__ == "RadarOccupancy"
    assert sorted(radar.endpoints[242].out_clusters) == [0x0021]


async def test_v3_replaces_the_built_in_quirk(quirks: dict[str, ModuleType]) -> None:
    """zha-quirks 2.3.0 has an occupancy-only quirk for V3; the custom one comes first."""
    ours = quirks["zy_m100_24g"].__file__
    entries = [
        entry
        for entry in DEVICE_REGISTRY
        if ModelInfo(V3, "TS0601") in entry.device_match.applies_to
    ]
    assert {entry.source.file == ours for entry in entries} == {True, False}


async def test_other_tuya_radars_are_left_alone(
    app: FakeApp, quirks: dict[str, ModuleType]
) -> None:
    radar = join(app, signature("_TZE204_ztc6ggyl"), IEEE, NWK)  # 5.8 GHz ZY-M100

    assert quirk_file(radar) != quirks["zy_m100_24g"].__file__


# (manufacturer, data points of one report, expected (occupancy, presence state))
PRESENCE_REPORTS = [
    # V1: DP 112 presence, DP 105 state.
    (V1, [(112, BOOL, 1), (105, ENUM, 2)], (True, "move")),
    (V1, [(112, ENUM, 1), (105, ENUM, 1)], (True, "presence")),
    (V1, [(112, BOOL, 0), (105, ENUM, 0)], (False, "none")),
    # V2: DP 104 presence, DP 1 state.
    (V2, [(104, ENUM, 1), (1, ENUM, 2)], (True, "move")),
    (V2, [(104, BOOL, 1), (1, ENUM, 1)], (True, "presence")),
    (V2, [(104, BOOL, 0), (1, ENUM, 0)], (False, "none")),
    # V3: DP 1 alone drives both.
    (V3, [(1, ENUM, 2)], (True, "move")),
    (V3, [(1, ENUM, 1)], (True, "presence")),
    (V3, [(1, ENUM, 0)], (False, "none")),
    (V3, [(1, ENUM, 7)], (False, "none")),  # unknown values read as none, as in Z2M
]


@pytest.mark.parametrize(("manufacturer", "points", "expected"), PRESENCE_REPORTS)
async def test_presence_reports(
    app: FakeApp, manufacturer: str, points: list[tuple[int, int, int]], expected: tuple[bool, str]
) -> None:
    radar = join(app, signature(manufacturer), IEEE, NWK)

    report(app, *points)

    assert seen(radar) == expected


async def test_a_session_of_reports_on_v3(app: FakeApp) -> None:
    """Someone walks in, sits still, leaves: occupancy and state follow each report."""
    radar = join(app, signature(V3), IEEE, NWK)
    timeline = []
    for value in (2, 1, 1, 2, 0):
        report(app, (1, ENUM, value))
        timeline.append(seen(radar))

    assert timeline == [
        (True, "move"),
        (True, "presence"),
        (True, "presence"),
        (True, "move"),
        (False, "none"),
    ]


# (manufacturer, (dp, type, raw value), (cluster, attribute), cached attribute value)
OTHER_REPORTS = [
    (V1, (109, VALUE, 235), ("tuya_manufacturer", "distance"), 235),  # cm, shown / 100
    (V1, (106, VALUE, 70), ("tuya_manufacturer", "motion_sensitivity"), 7),  # reported x10
    (V1, (111, VALUE, 30), ("tuya_manufacturer", "presence_sensitivity"), 3),
    (V1, (107, VALUE, 450), ("tuya_manufacturer", "max_range"), 450),
    (V1, (110, VALUE, 30), ("tuya_manufacturer", "presence_timeout"), 30),
    (V1, (104, VALUE, 0), ("illuminance", "measured_value"), 0),
    (V2, (9, VALUE, 23), ("tuya_manufacturer", "distance"), 23),  # dm, shown / 10
    (V2, (2, VALUE, 7), ("tuya_manufacturer", "move_sensitivity"), 7),
    (V2, (3, VALUE, 75), ("tuya_manufacturer", "detection_distance_min"), 75),
    (V2, (105, VALUE, 60), ("tuya_manufacturer", "presence_timeout"), 60),
    (V2, (103, VALUE, 100), ("illuminance", "measured_value"), 20001),  # ZCL log scale
    (V3, (102, VALUE, 5), ("tuya_manufacturer", "presence_sensitivity"), 5),
    (V3, (4, VALUE, 600), ("tuya_manufacturer", "detection_distance_max"), 600),
    (V3, (101, BOOL, 1), ("tuya_manufacturer", "distance_tracking"), True),
]


@pytest.mark.parametrize(("manufacturer", "point", "where", "expected"), OTHER_REPORTS)
async def test_other_data_points(
    app: FakeApp,
    manufacturer: str,
    point: tuple[int, int, int],
    where: tuple[str, str],
    expected: object,
) -> None:
    radar = join(app, signature(manufacturer), IEEE, NWK)

    report(app, point)

    cluster_attr, attribute = where
    assert getattr(radar.endpoints[1], cluster_attr).get(attribute) == expected


async def test_v1_sensitivity_is_written_as_one_to_ten(app: FakeApp) -> None:
    """Z2M `divideBy10FromOnly`: the value set is sent as is (only reports are x10)."""
    radar = join(app, signature(V1), IEEE, NWK)

    await radar.endpoints[1].tuya_manufacturer.write_attributes({"motion_sensitivity": 7})
    await asyncio.sleep(0)

    [sent] = [packet for packet in app.sent if packet.cluster_id == TUYA]
    payload = sent.data.serialize()
    # ZCL header (3 bytes), status, sequence, then DP 106 as a 4-byte value of 7.
    assert payload[0] & 0x03 == 0x01  # cluster-specific command
    assert payload[2] == 0x00  # Tuya set_data
    assert payload[5:] == bytes([106, VALUE, 0x00, 0x04, 0x00, 0x00, 0x00, 0x07])


async def test_reports_reach_home_assistant(hass: HomeAssistant, zha: FakeApp) -> None:
    """Real ZHA: an occupancy binary sensor and a none/presence/move sensor follow DP 1."""
    join(zha, signature(V3), IEEE, NWK)
    await hass.async_block_till_done()
    device_id = zha_device_id(hass, IEEE)
    zha_device = async_get_zha_device_proxy(hass, device_id).device
    assert zha_device.quirk_class == "zy_m100_24g:(_TZE204_ya4ft0w4 / TS0601)"
    entities = er.async_entries_for_device(er.async_get(hass), device_id)
    by_suffix = {entity.unique_id.rsplit("-", 1)[1]: entity for entity in entities}
    occupancy = by_suffix[str(OCCUPANCY)]
    state = by_suffix["presence_state"]
    distance = by_suffix["distance"]
    assert occupancy.original_device_class == "occupancy"
    assert hass.states.get(state.entity_id).attributes["options"] == ["none", "presence", "move"]

    seen_in_ha = []
    for value in (2, 1, 0):
        report(zha, (1, ENUM, value), (9, VALUE, 23))
        await hass.async_block_till_done()
        seen_in_ha.append(
            (hass.states.get(occupancy.entity_id).state, hass.states.get(state.entity_id).state)
        )

    assert seen_in_ha == [("on", "move"), ("on", "presence"), ("off", "none")]
    assert hass.states.get(distance.entity_id).state == "2.3"  # metres
