"""Turn a station subentry (and its timer settings) into the engine's StationConfig."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from ..const import (
    CONF_ACCESS_NOTES,
    CONF_ADDRESS,
    CONF_ANSWER_GESTURE,
    CONF_BUTTONS,
    CONF_CALL_EMERGENCY,
    CONF_CHECK_IN,
    CONF_CHECK_IN_GESTURE,
    CONF_CONTACTS,
    CONF_DOOR,
    CONF_HELP_BUTTON,
    CONF_LEARNED_BUTTONS,
    CONF_LIGHT,
    CONF_LOCATION_LABEL,
    CONF_MEDIA_PLAYER,
    CONF_MOTION,
    CONF_NOTIFY,
    CONF_PAUSE_GESTURE,
    CONF_PLAN_NOTES,
    CONF_PRESENCE,
    CONF_RELEASE_ON_HELP,
    CONF_RESPONDER_GROUPS,
    CONF_ROOM_SENSING,
    CONF_TTS,
    CONF_UNIT,
    SECTION_MODES,
    SECTION_PROMPTS,
    SECTION_RELEASE,
    SECTION_RESCUE_PLAN,
    SECTION_SENSORS,
)
from .buttons import LearnedButton, learned_buttons
from .engine.config import (
    Contact,
    ContactRole,
    Location,
    ReleaseDetails,
    RescuePlan,
    StationConfig,
    Timers,
)
from .engine.events import PressAction
from .radar import GENERIC_VALUES, MovementValues

# Timers people can change (number entities), in seconds; the engine's Timers field names.
# `auto_resume`: how long a pause lasts when it has no end of its own (0 keeps it paused).
TIMER_FIELDS = (
    "stillness",
    "duration",
    "check_in_interval",
    "answer_window",
    "countdown",
    "reminder",
    "auto_resume",
)
# The range each timer may be set to, in seconds: the number entities' limits and the station
# files' (docs/organisations.md).
TIMER_LIMITS: dict[str, tuple[int, int]] = {
    "stillness": (60, 3600),
    "duration": (300, 14400),
    "check_in_interval": (60, 7200),
    "answer_window": (10, 600),
    "countdown": (5, 300),
    "reminder": (30, 1800),
    # 0 keeps a pause until someone resumes.
    "auto_resume": (0, 86400),
}


@dataclass(frozen=True, slots=True)
class StationSettings:
    """A station's timer settings, in seconds; a timer not set keeps the engine's default."""

    values: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def read(cls, raw: Mapping[str, float]) -> StationSettings:
        """Settings as stored; names this version does not know are left out."""
        return cls({k: float(v) for k, v in raw.items() if k in TIMER_FIELDS})

    def get(self, name: str) -> float:
        """A timer in seconds."""
        if name in self.values:
            return self.values[name]
        return float(getattr(Timers(), name).total_seconds())

    def with_value(self, name: str, seconds: float) -> StationSettings:
        """The settings with one timer changed."""
        if name not in TIMER_FIELDS:
            raise KeyError(name)
        return StationSettings({**self.values, name: float(seconds)})

    def timers(self) -> Timers:
        """The engine's timers."""
        return replace(
            Timers(), **{name: timedelta(seconds=value) for name, value in self.values.items()}
        )

    def apply(self, config: StationConfig) -> StationConfig:
        """A station config with these timers."""
        return replace(config, timers=self.timers())

    def as_dict(self) -> dict[str, float]:
        """The stored form."""
        return dict(self.values)


class InvalidContactsError(ValueError):
    """A contacts line could not be read."""


def parse_contacts(text: str) -> tuple[Contact, ...]:
    """Read one contact per line: `name, phone[, role]`."""
    contacts = []
    for raw in text.splitlines():
        if not (line := raw.strip()):
            continue
        parts = [part.strip() for part in line.split(",")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise InvalidContactsError(line)
        try:
            role = ContactRole(parts[2]) if len(parts) == 3 else ContactRole.OTHER
        except ValueError as err:
            raise InvalidContactsError(line) from err
        contacts.append(Contact(name=parts[0], phone=parts[1], role=role))
    return tuple(contacts)


@dataclass(frozen=True, slots=True)
class Bindings:
    """The Home Assistant entities a station listens to and speaks through."""

    presence: str | None = None
    motion: str | None = None
    door: str | None = None
    buttons: tuple[str, ...] = ()
    # Buttons that show as no entity, heard through ZHA events or Zigbee2MQTT messages.
    learned_buttons: tuple[LearnedButton, ...] = ()
    check_in_gesture: str | None = None
    answer_gesture: str | None = None
    # Pauses monitoring, or resumes it while paused.
    pause_gesture: str | None = None
    tts: str | None = None
    media_player: str | None = None
    light: str | None = None
    notify: str | None = None
    # What the movement entity's states mean (its radar profile's values).
    motion_values: MovementValues = GENERIC_VALUES

    def entity_press_action(self, state: str, event_type: object) -> PressAction:
        """What a press on a bound button entity means, by its gesture (state or event type).

        A gesture named for check-ins, answers or pausing means that; any other press calls for
        help.
        """
        gestures = (state, event_type)
        if self.check_in_gesture is not None and self.check_in_gesture in gestures:
            return PressAction.START_CHECK_IN
        if self.answer_gesture is not None and self.answer_gesture in gestures:
            return PressAction.ANSWER
        if self.pause_gesture is not None and self.pause_gesture in gestures:
            return PressAction.PAUSE
        return PressAction.HELP

    @property
    def sensors(self) -> tuple[str, ...]:
        """The bound sensors whose loss means the station cannot watch the room."""
        return tuple(e for e in (self.presence, self.motion, self.door) if e)


def bindings_from(data: dict[str, Any]) -> Bindings:
    """Entities bound by a station subentry."""
    sensors, prompts = data.get(SECTION_SENSORS, {}), data.get(SECTION_PROMPTS, {})
    return Bindings(
        presence=sensors.get(CONF_PRESENCE) or None,
        motion=sensors.get(CONF_MOTION) or None,
        door=sensors.get(CONF_DOOR) or None,
        buttons=tuple(sensors.get(CONF_BUTTONS) or ()),
        learned_buttons=learned_buttons(sensors.get(CONF_LEARNED_BUTTONS)),
        check_in_gesture=sensors.get(CONF_CHECK_IN_GESTURE) or None,
        answer_gesture=sensors.get(CONF_ANSWER_GESTURE) or None,
        pause_gesture=sensors.get(CONF_PAUSE_GESTURE) or None,
        tts=prompts.get(CONF_TTS) or None,
        media_player=prompts.get(CONF_MEDIA_PLAYER) or None,
        light=prompts.get(CONF_LIGHT) or None,
        notify=prompts.get(CONF_NOTIFY) or None,
    )


def station_config_from(
    station_id: str,
    title: str,
    data: dict[str, Any],
    settings: StationSettings,
    bindings: Bindings,
) -> StationConfig:
    """Build the engine's configuration for one station.

    `bindings` are the station's entities as the site resolved them, a radar's
    movement entity found in the registries included (devices/lookup.py).
    """
    modes, plan, release = (
        data.get(SECTION_MODES, {}),
        data.get(SECTION_RESCUE_PLAN, {}),
        data.get(SECTION_RELEASE, {}),
    )
    return StationConfig(
        station_id=station_id,
        label=title,
        room_sensing=bool(modes.get(CONF_ROOM_SENSING, False)),
        help_button=bool(modes.get(CONF_HELP_BUTTON, True)),
        check_in=bool(modes.get(CONF_CHECK_IN, True)),
        release_on_help=bool(modes.get(CONF_RELEASE_ON_HELP, True)),
        has_door=bindings.door is not None,
        has_motion=bindings.motion is not None,
        rescue_plan=RescuePlan(
            groups=tuple(plan.get(CONF_RESPONDER_GROUPS) or RescuePlan().groups),
            call_emergency_services=bool(plan.get(CONF_CALL_EMERGENCY, False)),
            notes=plan.get(CONF_PLAN_NOTES, ""),
        ),
        release=ReleaseDetails(
            location=Location(
                label=release.get(CONF_LOCATION_LABEL) or title,
                address=release.get(CONF_ADDRESS, ""),
                unit=release.get(CONF_UNIT, ""),
                access_notes=release.get(CONF_ACCESS_NOTES, ""),
            ),
            contacts=parse_contacts(release.get(CONF_CONTACTS, "")),
        ),
        timers=settings.timers(),
    )
