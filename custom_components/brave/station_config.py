"""Turn a station subentry (and its timer settings) into the engine's StationConfig."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from .const import (
    CONF_ACCESS_NOTES,
    CONF_ADDRESS,
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
from .devices.button_events import LearnedButton, learned_buttons
from .devices.radar import GENERIC_VALUES, MovementValues
from .engine.config import (
    Contact,
    ContactRole,
    Location,
    ReleaseDetails,
    RescuePlan,
    StationConfig,
    Timers,
)

# Timers people can change (number entities), in seconds; the engine's Timers field names.
TIMER_FIELDS = (
    "stillness",
    "duration",
    "check_in_interval",
    "answer_window",
    "countdown",
    "reminder",
)
# Minutes after which a pause by a person ends by itself; 0 keeps it paused.
DEFAULT_AUTO_RESUME_S = 3600


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
    tts: str | None = None
    media_player: str | None = None
    light: str | None = None
    notify: str | None = None
    # What the movement entity's states mean (its radar profile's values).
    motion_values: MovementValues = GENERIC_VALUES

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
        tts=prompts.get(CONF_TTS) or None,
        media_player=prompts.get(CONF_MEDIA_PLAYER) or None,
        light=prompts.get(CONF_LIGHT) or None,
        notify=prompts.get(CONF_NOTIFY) or None,
    )


def station_config_from(
    station_id: str,
    title: str,
    data: dict[str, Any],
    timers: dict[str, float],
    bindings: Bindings,
) -> StationConfig:
    """Build the engine's configuration for one station.

    `bindings` are the station's entities as the coordinator resolved them, a radar's
    movement entity found in the registries included (devices/lookup.py).
    """
    modes, plan, release = (
        data.get(SECTION_MODES, {}),
        data.get(SECTION_RESCUE_PLAN, {}),
        data.get(SECTION_RELEASE, {}),
    )
    engine_timers = replace(
        Timers(), **{name: timedelta(seconds=value) for name, value in timers.items()}
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
        timers=engine_timers,
    )
