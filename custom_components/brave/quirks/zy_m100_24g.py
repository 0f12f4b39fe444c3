"""Tuya ZY-M100-24G 24 GHz mmWave radars: occupancy and a none/presence/move state in ZHA.

Copy this file into ZHA's custom quirks folder (docs/quirks.md explains how).

The radar is a Tuya MCU device (model TS0601, cluster 0xEF00): it reports Tuya data points
(DPs) instead of ZCL attributes. Three firmware generations share the product name and use
different data points. The numbers below follow Zigbee2MQTT's converters for the models
"ZY-M100-24G", "ZY-M100-24GV2" and "ZY-M100-24GV3" (zigbee-herdsman-converters,
src/devices/tuya.ts, `meta.tuyaDatapoints`). Each generation gets:

- an occupancy binary sensor (OccupancySensing cluster 0x0406, attribute `occupancy`);
- a "Presence state" sensor with the values none / presence / move (attribute
  `presence_state` on the Tuya cluster), the value Zigbee2MQTT calls `state`;
- target distance, illuminance, and the sensitivity, range and fade-time settings.

zha-quirks 2.3.0 has no quirk for the first two generations. For the third (V3) it has one
that reports occupancy only; this quirk takes its place for those devices (ZHA prefers custom
quirks) and keeps its attribute names, so existing entities stay and the presence state is
added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from zhaquirks.builder import (
    EntityPlatform,
    EntityType,
    NumberDeviceClass,
    SensorDeviceClass,
    SensorStateClass,
    UnitOfLength,
    UnitOfTime,
)
from zhaquirks.tuya import TUYA_CLUSTER_ID, TuyaLocalCluster
from zhaquirks.tuya.builder import TuyaQuirkBuilder
from zhaquirks.tuya.mcu import DPToAttributeMapping, TuyaMCUCluster
import zigpy.types as t
from zigpy.zcl import foundation
from zigpy.zcl.clusters.measurement import OccupancySensing

MODEL: Final = "TS0601"

STATE_ATTRIBUTE: Final = "presence_state"
OCCUPANCY_ATTRIBUTE: Final = OccupancySensing.AttributeDefs.occupancy.name
READ_REPORT: Final = foundation.ZCLAttributeAccess.Read | foundation.ZCLAttributeAccess.Report
READ_WRITE: Final = foundation.ZCLAttributeAccess.Read | foundation.ZCLAttributeAccess.Write


class PresenceState(t.enum8):
    """What the radar sees: nobody, a still person, or movement."""

    none = 0x00
    presence = 0x01
    move = 0x02


class RadarOccupancy(OccupancySensing, TuyaLocalCluster):
    """Occupancy cluster fed from a Tuya data point (no Zigbee traffic of its own)."""


_STATES: Final = {int(state): state for state in PresenceState}


def to_presence_state(value: Any) -> PresenceState:
    """Read the state data point; an unknown value reads as none (as Z2M does)."""
    return _STATES.get(int(value), PresenceState.none)


def state_is_occupied(value: Any) -> bool:
    """V3 has no presence data point: presence or move in the state means occupied."""
    return to_presence_state(value) is not PresenceState.none


def is_one(value: Any) -> bool:
    """Z2M's `trueFalse1`: a presence data point means occupied only when it equals 1."""
    return int(value) == 1


def tenth(value: Any) -> int:
    """Z2M's `divideBy10FromOnly`: V1 reports its sensitivities ten times larger."""
    return int(value) // 10


@dataclass(frozen=True, slots=True)
class Setting:
    """A writable data point shown as a number entity (HA config category)."""

    dp: int
    name: str  # attribute name, also Home Assistant's translation key for ZHA
    label: str  # name shown when Home Assistant has no translation for `name`
    minimum: float
    maximum: float
    step: float = 1
    unit: str | None = None
    device_class: NumberDeviceClass | None = None
    multiplier: float | None = None  # device value x multiplier = shown value
    converter: Callable[[Any], Any] | None = None  # device value -> attribute, if not as is


def sensitivity(dp: int, name: str, minimum: int, *, tenfold: bool = False) -> Setting:
    """A sensitivity from `minimum` to 10; V1 reports it x10 but is written 1-10."""
    label = "Presence sensitivity" if name == "presence_sensitivity" else "Motion sensitivity"
    return Setting(dp, name, label, minimum, 10, converter=tenth if tenfold else None)


def detection_range(dp: int, name: str, minimum: float, maximum: float, step: float) -> Setting:
    """A range in metres; the device counts centimetres (Z2M `divideBy100`)."""
    label = "Minimum range" if name == "detection_distance_min" else "Maximum range"
    return Setting(
        dp,
        name,
        label,
        minimum,
        maximum,
        step,
        unit=UnitOfLength.METERS,
        device_class=NumberDeviceClass.DISTANCE,
        multiplier=0.01,
    )


def fade_time(dp: int, maximum: int) -> Setting:
    """Seconds the radar keeps reporting presence after its last detection."""
    return Setting(
        dp,
        "presence_timeout",
        "Fade time",
        1,
        maximum,
        unit=UnitOfTime.SECONDS,
        device_class=NumberDeviceClass.DURATION,
    )


@dataclass(frozen=True, slots=True)
class Generation:
    """The data points of one firmware generation."""

    manufacturers: tuple[str, ...]
    state_dp: int
    presence_dp: int | None  # None: occupancy is derived from the state data point
    illuminance_dp: int
    distance_dp: int
    distance_divisor: int  # raw distance / divisor = metres
    settings: tuple[Setting, ...]
    distance_switch_dp: int | None = None


# "ZY-M100-24G": DP 112 presence, DP 105 state, DP 104 lux, DP 109 distance in cm.
# DPs 102 / 103 (illuminance thresholds) are left out, as in Z2M's exposes.
V1: Final = Generation(
    manufacturers=("_TZE204_ijxvkhd0",),
    state_dp=105,
    presence_dp=112,
    illuminance_dp=104,
    distance_dp=109,
    distance_divisor=100,
    settings=(
        sensitivity(106, "motion_sensitivity", 1, tenfold=True),
        sensitivity(111, "presence_sensitivity", 1, tenfold=True),
        detection_range(107, "max_range", 1.5, 5.5, 1),
        fade_time(110, 1500),
    ),
)

# "ZY-M100-24GV2": DP 104 presence, DP 1 state, DP 103 lux, DP 9 distance in dm.
V2: Final = Generation(
    manufacturers=("_TZE204_7gclukjs",),
    state_dp=1,
    presence_dp=104,
    illuminance_dp=103,
    distance_dp=9,
    distance_divisor=10,
    settings=(
        sensitivity(2, "move_sensitivity", 0),
        sensitivity(102, "presence_sensitivity", 0),
        detection_range(3, "detection_distance_min", 0, 8.25, 0.75),
        detection_range(4, "detection_distance_max", 0.75, 9, 0.75),
        fade_time(105, 1500),
    ),
)


def _v3(manufacturers: tuple[str, ...], *, step: float, min_range_max: float) -> Generation:
    """Z2M "ZY-M100-24GV3": DP 1 state (and occupancy), DP 103 lux, DP 9 distance in dm."""
    return Generation(
        manufacturers=manufacturers,
        state_dp=1,
        presence_dp=None,
        illuminance_dp=103,
        distance_dp=9,
        distance_divisor=10,
        distance_switch_dp=101,  # Z2M `find_switch`: distance reporting on/off
        settings=(
            # Z2M drops a reported 0 for these two (a firmware glitch); here it shows as 0.
            sensitivity(2, "move_sensitivity", 1),
            sensitivity(102, "presence_sensitivity", 1),
            detection_range(3, "detection_distance_min", 0, min_range_max, step),
            detection_range(4, "detection_distance_max", step, 9, step),
            fade_time(105, 15000),
        ),
    )


# Z2M gives the two V3 manufacturer pairs different range steps.
V3: Final = _v3(("_TZE204_ya4ft0w4", "_TZE200_ya4ft0w4"), step=0.75, min_range_max=8.25)
V3_GKFBDVYX: Final = _v3(("_TZE204_gkfbdvyx", "_TZE200_gkfbdvyx"), step=0.5, min_range_max=6)

GENERATIONS: Final = (V1, V2, V3, V3_GKFBDVYX)


def _add_state(builder: Any, generation: Generation) -> None:
    """Map the state data point to `presence_state` (and `occupancy` when it is the only one)."""
    dp = generation.state_dp
    mappings = [
        DPToAttributeMapping(TuyaMCUCluster.ep_attribute, STATE_ATTRIBUTE, to_presence_state)
    ]
    if generation.presence_dp is None:
        mappings.append(
            DPToAttributeMapping(
                RadarOccupancy.ep_attribute, OCCUPANCY_ATTRIBUTE, state_is_occupied
            )
        )
    builder.tuya_attribute(dp, STATE_ATTRIBUTE, type=PresenceState, access=READ_REPORT)
    builder.tuya_dp_multi(dp, mappings)
    builder.enum(
        STATE_ATTRIBUTE,
        PresenceState,
        TUYA_CLUSTER_ID,
        entity_platform=EntityPlatform.SENSOR,
        entity_type=EntityType.STANDARD,
        translation_key=STATE_ATTRIBUTE,
        fallback_name="Presence state",
    )


def _add_setting(builder: Any, setting: Setting) -> None:
    builder.tuya_dp_attribute(
        dp_id=setting.dp,
        attribute_name=setting.name,
        converter=setting.converter,
        type=t.uint16_t,
        access=READ_WRITE,
    )
    builder.number(
        attribute_name=setting.name,
        cluster_id=TUYA_CLUSTER_ID,
        min_value=setting.minimum,
        max_value=setting.maximum,
        step=setting.step,
        unit=setting.unit,
        multiplier=setting.multiplier,
        device_class=setting.device_class,
        translation_key=setting.name,
        fallback_name=setting.label,
    )


def register(generation: Generation) -> None:
    """Register the v2 quirk for one generation with ZHA."""
    builder = TuyaQuirkBuilder()
    # TuyaQuirkBuilder records its own module as the quirk's; name this one, so ZHA's
    # "quirk_class" reads "zy_m100_24g:(<first manufacturer id> / TS0601)".
    builder.quirk_module = __name__
    for manufacturer in generation.manufacturers:
        builder.applies_to(manufacturer, MODEL)
    builder.adds(RadarOccupancy)
    if generation.presence_dp is not None:
        builder.tuya_dp(
            generation.presence_dp, RadarOccupancy.ep_attribute, OCCUPANCY_ATTRIBUTE, is_one
        )
    _add_state(builder, generation)
    builder.tuya_illuminance(dp_id=generation.illuminance_dp)
    builder.tuya_sensor(
        dp_id=generation.distance_dp,
        attribute_name="distance",
        type=t.uint16_t,
        divisor=generation.distance_divisor,
        state_class=SensorStateClass.MEASUREMENT,
        device_class=SensorDeviceClass.DISTANCE,
        unit=UnitOfLength.METERS,
        translation_key="distance",
        fallback_name="Target distance",
    )
    for setting in generation.settings:
        _add_setting(builder, setting)
    if generation.distance_switch_dp is not None:
        builder.tuya_switch(
            dp_id=generation.distance_switch_dp,
            attribute_name="distance_tracking",
            translation_key="distance_tracking",
            fallback_name="Distance tracking",
        )
    builder.skip_configuration()
    builder.add_to_registry()


for _generation in GENERATIONS:
    register(_generation)
