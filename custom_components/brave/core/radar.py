"""Radar profiles: recognise a radar presence sensor and read its movement state.

Binary occupancy is the only signal every radar has. Some models also report a movement
state (moving, or someone there and still). Where Home Assistant shows that state as an entity
of the same device, a station can use it: stillness then means "no movement", not only "no
change in occupancy".

The names and values below were checked against Zigbee2MQTT's converters
(Koenkk/zigbee-herdsman-converters, release 26.99.0: `src/devices/*.ts`; Zigbee2MQTT's
discovery in Koenkk/zigbee2mqtt `lib/extension/homeassistant.ts`) and against the ZHA stack
Home Assistant 2026.10.4 pins (zha 2.3.1, zha-quirks 2.3.0). Each profile says where.

How Home Assistant shows the two stacks:

- ZHA: the device registry has the device's own manufacturer and model (a Tuya TS0601 shows
  as manufacturer `_TZE204_ijxvkhd0`, model `TS0601`) unless a quirk renames it. Entity
  unique ids are `<ieee>-<endpoint>-<cluster id>`, or `<ieee>-<endpoint>-<attribute>` for
  quirk entities, which also carry a translation key.
- Zigbee2MQTT (platform `mqtt`): manufacturer is the converter's vendor, model its
  description and model_id its model (`getDevicePayload`). An expose `x` becomes the entity
  `<domain>.<device name>_x` with unique id `<ieee>_x_<base topic>` and name `X`.

No Home Assistant imports: `lookup.py` feeds this module from the registries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Final


class Stack(StrEnum):
    """A Zigbee stack, by the platform name its entities have in the entity registry."""

    ZHA = "zha"
    Z2M = "mqtt"


@dataclass(frozen=True, slots=True)
class MovementValues:
    """What the states of a movement entity mean (compared in lower case)."""

    moving: frozenset[str]
    still: frozenset[str]  # someone there and still, or nobody there

    def read(self, state: str) -> bool | None:
        """True for movement, False for still (or empty), None for a value it does not know."""
        value = state.lower()
        if value in self.moving:
            return True
        if value in self.still:
            return False
        return None


def _values(*, moving: Iterable[str], still: Iterable[str]) -> MovementValues:
    return MovementValues(frozenset(moving), frozenset(still))


# For a movement entity of a device no profile knows: the names radars commonly use.
GENERIC_VALUES: Final = _values(
    moving=("on", "moving", "move", "movement", "large", "small"),
    still=("off", "still", "static", "no_movement", "presence", "none"),
)


@dataclass(frozen=True, slots=True)
class MovementEntity:
    """Where one stack shows a model's movement state.

    `key` is, for Zigbee2MQTT, the expose name; for ZHA, the entity's translation key and
    unique id suffix (a cluster id for entities ZHA creates without a quirk entity).
    """

    stack: Stack
    domain: str
    key: str
    values: MovementValues
    device_class: str | None = None  # for ZHA entities that have no translation key


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """A device as Home Assistant's device registry shows it."""

    manufacturer: str | None
    model: str | None
    model_id: str | None = None


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """One entity of a device as Home Assistant's entity registry shows it."""

    entity_id: str
    platform: str
    unique_id: str = ""
    translation_key: str | None = None
    original_name: str | None = None
    original_device_class: str | None = None


@dataclass(frozen=True, slots=True)
class RadarProfile:
    """What a station can expect from one radar model family."""

    key: str
    name: str
    # (manufacturer, model or model_id) pairs in lower case, for both stacks.
    devices: frozenset[tuple[str, str]]
    movement: tuple[MovementEntity, ...] = ()
    # Usual time between two reports; None when the device reports only on change.
    report_interval: timedelta | None = None

    @property
    def has_stillness(self) -> bool:
        """Whether the model tells "someone there and still" apart from "moving"."""
        return bool(self.movement)

    def matches(self, device: DeviceFacts) -> bool:
        """Whether the device is one of this profile's models."""
        maker = (device.manufacturer or "").lower()
        return any(
            (maker, model.lower()) in self.devices
            for model in (device.model, device.model_id)
            if model
        )


@dataclass(frozen=True, slots=True)
class MovementMatch:
    """The movement entity found on a radar and what its values mean."""

    entity_id: str
    values: MovementValues
    profile: RadarProfile


def _pairs(manufacturers: Iterable[str], models: Iterable[str]) -> frozenset[tuple[str, str]]:
    models = tuple(models)
    return frozenset((maker.lower(), model.lower()) for maker in manufacturers for model in models)


# -- the table ----------------------------------------------------------------------------

# Tuya ZY-M100 5.8 GHz ceiling radars. tuya.ts, model "TS0601_smart_human_presence_sensor_1"
# (white label "ZY-M100-L" for _TZE204_ztc6ggyl, Moes "ZSS-QY-HP"): exposes `presence`,
# `target_distance`, `illuminance`, settings and `self_test`; no movement state. ZHA:
# zhaquirks/tuya/tuya_motion.py, the same manufacturer ids: occupancy, distance, self test.
_ZY_M100_IDS = (
    "_TZE200_ikvncluo",
    "_TZE200_lyetpprm",
    "_TZE200_jva8ink8",
    "_TZE204_xpq2rzhq",
    "_TZE200_holel4dk",
    "_TZE200_xpq2rzhq",
    "_TZE200_wukb7rhc",
    "_TZE204_xsm7l9xa",
    "_TZE204_ztc6ggyl",
    "_TZE200_ztc6ggyl",
    "_TZE200_sgpeacqp",
    "_TZE204_fwondbzy",
    "_TZE284_fwondbzy",
    "_TZE284_xpq2rzhq",
)
ZY_M100: Final = RadarProfile(
    key="zy_m100",
    name="Tuya ZY-M100 (5.8 GHz)",
    devices=_pairs(_ZY_M100_IDS, ["TS0601"])
    | _pairs(["Tuya"], ["TS0601_smart_human_presence_sensor_1", "ZY-M100-L"])
    | _pairs(["Moes"], ["ZSS-QY-HP"]),
    # About once a second, room empty or not (BRIEF; users' logs in Andrik45719/ZY-M100
    # issues 1 and 34, zigbee2mqtt issue 19045). Not measured here.
    report_interval=timedelta(seconds=1),
)

# Tuya ZY-M100-24G 24 GHz radars, three firmware generations. tuya.ts, models
# "ZY-M100-24G", "ZY-M100-24GV2", "ZY-M100-24GV3": expose `state` (enum none / presence /
# move, "Presence state"), besides `presence`. ZHA: the custom quirk in
# custom_components/brave/quirks/zy_m100_24g.py adds the sensor `presence_state` with the same
# values (zha-quirks 2.3.0 alone shows occupancy only for V3 and nothing for V1 and V2).
_ZY_M100_24G_VALUES = _values(moving=["move"], still=["presence", "none"])
ZY_M100_24G: Final = RadarProfile(
    key="zy_m100_24g",
    name="Tuya ZY-M100-24G (24 GHz)",
    devices=_pairs(
        [
            "_TZE204_ijxvkhd0",
            "_TZE204_7gclukjs",
            "_TZE204_ya4ft0w4",
            "_TZE200_ya4ft0w4",
            "_TZE204_gkfbdvyx",
            "_TZE200_gkfbdvyx",
        ],
        ["TS0601"],
    )
    | _pairs(["Tuya"], ["ZY-M100-24G", "ZY-M100-24GV2", "ZY-M100-24GV3"]),
    movement=(
        MovementEntity(Stack.Z2M, "sensor", "state", _ZY_M100_24G_VALUES),
        MovementEntity(Stack.ZHA, "sensor", "presence_state", _ZY_M100_24G_VALUES),
    ),
    # Users report illuminance every 500 ms on the original firmware (Andrik45719/ZY-M100
    # issue 21) and report storms (zigbee2mqtt issue 19045). Not measured here.
    report_interval=timedelta(seconds=1),
)

# Tuya ZG-204ZM PIR + 24 GHz radar (battery). tuya.ts, model "ZG-204ZM" (white label AOYAN
# "AY205Z"): exposes `motion_state` (enum none / large / small / static). ZHA:
# zhaquirks/tuya/tuya_motion.py, sensor `human_motion_state` (TuyaHumanMotionStateV02: Off,
# Large, Small, Static).
ZG_204ZM: Final = RadarProfile(
    key="zg_204zm",
    name="Tuya ZG-204ZM (PIR + 24 GHz)",
    devices=_pairs(["_TZE200_2aaelwxk", "_TZE200_kb5noeto"], ["TS0601"])
    | _pairs(["HOBEIAN"], ["ZG-204ZM"])
    | _pairs(["Tuya"], ["ZG-204ZM"])
    | _pairs(["AOYAN"], ["AY205Z"]),
    movement=(
        MovementEntity(
            Stack.Z2M,
            "sensor",
            "motion_state",
            _values(moving=["large", "small"], still=["static", "none"]),
        ),
        MovementEntity(
            Stack.ZHA,
            "sensor",
            "human_motion_state",
            _values(moving=["large", "small"], still=["static", "off"]),
        ),
    ),
)

# Aqara FP1E (lumi.sensor_occupy.agl1). lumi.ts, model "FP1E", with lib/lumi.ts
# `fp1ePresence` (binary `presence`) and `fp1eMovement` (enum `movement`: no_presence /
# movement / no_movement; unknown_0 and unknown_1 are left unread). ZHA:
# zhaquirks/xiaomi/aqara/motion_agl1.py names the device "Aqara" / "Presence Sensor FP1E" and
# mirrors the motion attribute into an IAS zone (cluster 1280), a motion binary sensor that
# is on only while the radar reports movement.
FP1E: Final = RadarProfile(
    key="fp1e",
    name="Aqara FP1E",
    devices=_pairs(["Aqara"], ["FP1E", "Presence Sensor FP1E", "lumi.sensor_occupy.agl1"]),
    movement=(
        MovementEntity(
            Stack.Z2M,
            "sensor",
            "movement",
            _values(moving=["movement"], still=["no_movement", "no_presence"]),
        ),
        MovementEntity(
            Stack.ZHA,
            "binary_sensor",
            "1280",
            _values(moving=["on"], still=["off"]),
            device_class="motion",
        ),
    ),
)

# Sonoff SNZB-06P. sonoff.ts, model "SNZB-06P": `occupancy` only (plus settings and
# `illumination`). ZHA: zhaquirks/sonoff/snzb06p.py: occupancy only.
SNZB_06P: Final = RadarProfile(
    key="snzb_06p",
    name="Sonoff SNZB-06P",
    devices=_pairs(["SONOFF"], ["SNZB-06P"]),
)

# Any other occupancy sensor.
GENERIC: Final = RadarProfile(key="generic", name="Occupancy sensor", devices=frozenset())

PROFILES: Final = (ZY_M100, ZY_M100_24G, ZG_204ZM, FP1E, SNZB_06P)


# -- detection ----------------------------------------------------------------------------


def profile_for(device: DeviceFacts | None) -> RadarProfile:
    """The profile of a device; GENERIC when no profile knows it."""
    if device is not None:
        for profile in PROFILES:
            if profile.matches(device):
                return profile
    return GENERIC


def _usable(spec: MovementEntity, entity: EntityFacts) -> bool:
    return entity.platform == spec.stack and entity.entity_id.startswith(f"{spec.domain}.")


def _by_identity(spec: MovementEntity, entity: EntityFacts) -> bool:
    """Matches what people cannot rename: the unique id, or ZHA's translation key."""
    if spec.stack is Stack.Z2M:
        # `<ieee>_<expose>_<base topic>`; the base topic may itself contain "_".
        return entity.unique_id.partition("_")[2].startswith(f"{spec.key}_")
    return entity.translation_key == spec.key or entity.unique_id.endswith(f"-{spec.key}")


def _by_name(spec: MovementEntity, entity: EntityFacts) -> bool:
    """Matches the name or entity id the stack gave, or the device class."""
    name = (entity.original_name or "").lower().replace(" ", "_")
    object_id = entity.entity_id.partition(".")[2]
    return (
        name == spec.key
        or object_id.endswith(f"_{spec.key}")
        or (spec.device_class is not None and entity.original_device_class == spec.device_class)
    )


def find_movement_entity(
    device: DeviceFacts | None, entities: Iterable[EntityFacts]
) -> MovementMatch | None:
    """The entity of a radar that carries its movement state, if its profile has one.

    `device` is the radar's device (the device of the bound presence entity) and
    `entities` its other entities.
    """
    profile = profile_for(device)
    candidates = list(entities)
    for test in (_by_identity, _by_name):
        for spec in profile.movement:
            for entity in candidates:
                if _usable(spec, entity) and test(spec, entity):
                    return MovementMatch(entity.entity_id, spec.values, profile)
    return None


def movement_values_for(device: DeviceFacts | None, entity: EntityFacts | None) -> MovementValues:
    """What the states of a movement entity someone bound mean.

    The profile's values when the entity is the one its device's profile knows; otherwise
    the common names (GENERIC_VALUES).
    """
    if entity is not None:
        found = find_movement_entity(device, [entity])
        if found is not None:
            return found.values
    return GENERIC_VALUES
