"""A station as flat fields: the columns (or keys) of a station file, and where each is stored.

docs/organisations.md lists them. Values are normalised so that a station read from its
subentry and the same station read back from its export compare equal: text stripped, lists
as tuples, switches as bools, timers as effective seconds, learned buttons as LearnedButton
and the area as its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, auto
import re
from typing import Any

from ..const import (
    CONF_ACCESS_NOTES,
    CONF_ADDRESS,
    CONF_ANSWER_GESTURE,
    CONF_AREA,
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
    CONF_NO_PROMPT,
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
from .buttons import SOURCE_MQTT, SOURCE_ZHA, LearnedButton, learned_buttons, normalise_ieee
from .engine.config import RESPONDER_GROUPS, RescuePlan
from .stations import (
    TIMER_FIELDS,
    TIMER_LIMITS,
    InvalidContactsError,
    StationSettings,
    parse_contacts,
)

KEY = "station"
NAME = "name"

type Value = str | bool | float | tuple[str, ...] | tuple[LearnedButton, ...]
# A field as a file gives it: text, or a YAML list's items.
type Raw = str | tuple[str, ...]


class Kind(Enum):
    """How a field is read, written and stored."""

    KEY = auto()
    NAME = auto()
    AREA = auto()
    SWITCH = auto()
    TEXT = auto()
    ENTITY = auto()
    ENTITIES = auto()
    LEARNED = auto()
    GROUPS = auto()
    CONTACTS = auto()
    TIMER = auto()


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a station file."""

    name: str
    kind: Kind
    # Where it is stored in the subentry's data; "" for the key, name, area and timers.
    section: str = ""
    domains: tuple[str, ...] = ()
    default: bool = False  # a switch left empty
    # Released only past the release point: exported only when asked, and marked.
    personal: bool = False


FIELDS: tuple[Field, ...] = (
    Field(KEY, Kind.KEY),
    Field(NAME, Kind.NAME),
    Field(CONF_AREA, Kind.AREA),
    Field(CONF_HELP_BUTTON, Kind.SWITCH, SECTION_MODES, default=True),
    Field(CONF_CHECK_IN, Kind.SWITCH, SECTION_MODES, default=True),
    Field(CONF_ROOM_SENSING, Kind.SWITCH, SECTION_MODES),
    Field(CONF_RELEASE_ON_HELP, Kind.SWITCH, SECTION_MODES, default=True),
    Field(CONF_PRESENCE, Kind.ENTITY, SECTION_SENSORS, ("binary_sensor",)),
    Field(CONF_MOTION, Kind.ENTITY, SECTION_SENSORS, ("sensor", "binary_sensor", "select")),
    Field(CONF_DOOR, Kind.ENTITY, SECTION_SENSORS, ("binary_sensor",)),
    Field(CONF_BUTTONS, Kind.ENTITIES, SECTION_SENSORS),
    Field(CONF_LEARNED_BUTTONS, Kind.LEARNED, SECTION_SENSORS),
    Field(CONF_CHECK_IN_GESTURE, Kind.TEXT, SECTION_SENSORS),
    Field(CONF_ANSWER_GESTURE, Kind.TEXT, SECTION_SENSORS),
    Field(CONF_TTS, Kind.ENTITY, SECTION_PROMPTS, ("tts",)),
    Field(CONF_MEDIA_PLAYER, Kind.ENTITY, SECTION_PROMPTS, ("media_player",)),
    Field(CONF_LIGHT, Kind.ENTITY, SECTION_PROMPTS, ("light",)),
    Field(CONF_NOTIFY, Kind.ENTITY, SECTION_PROMPTS, ("notify",)),
    Field(CONF_NO_PROMPT, Kind.SWITCH, SECTION_PROMPTS),
    Field(CONF_RESPONDER_GROUPS, Kind.GROUPS, SECTION_RESCUE_PLAN),
    Field(CONF_CALL_EMERGENCY, Kind.SWITCH, SECTION_RESCUE_PLAN),
    Field(CONF_PLAN_NOTES, Kind.TEXT, SECTION_RESCUE_PLAN, personal=True),
    Field(CONF_LOCATION_LABEL, Kind.TEXT, SECTION_RELEASE),
    Field(CONF_ADDRESS, Kind.TEXT, SECTION_RELEASE, personal=True),
    Field(CONF_UNIT, Kind.TEXT, SECTION_RELEASE, personal=True),
    Field(CONF_ACCESS_NOTES, Kind.TEXT, SECTION_RELEASE, personal=True),
    Field(CONF_CONTACTS, Kind.CONTACTS, SECTION_RELEASE, personal=True),
    *(Field(name, Kind.TIMER) for name in TIMER_FIELDS),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
PERSONAL: tuple[str, ...] = tuple(f.name for f in FIELDS if f.personal)

# Home Assistant's entity id form (homeassistant.core.valid_entity_id).
_ENTITY_ID = re.compile(r"(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)")
_LIST_SEPARATORS = re.compile(r"[,\s]+")
_SECONDS = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,17})?")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_ROLES = ("help", "answer", "start_check_in")


class FieldError(ValueError):
    """A value a field cannot take: the problem's code and the value (or detail) to show."""

    def __init__(self, code: str, detail: str = "") -> None:
        """Keep the code and what to show with it."""
        super().__init__(code)
        self.code = code
        self.detail = detail


def timer_default(name: str) -> float:
    """A timer's default, in seconds."""
    return StationSettings().get(name)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _contacts_text(value: object) -> str:
    """Contacts as stored (one per line), each line stripped, blank lines dropped."""
    lines = value.splitlines() if isinstance(value, str) else ()
    return "\n".join(stripped for line in lines if (stripped := line.strip()))


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = data.get(name)
    return section if isinstance(section, Mapping) else {}


def stored_values(
    title: str, data: Mapping[str, Any], timers: Mapping[str, float]
) -> dict[str, Value]:
    """Every field (the key aside) of a station as its subentry and settings hold it."""
    settings = StationSettings.read(timers)
    values: dict[str, Value] = {NAME: title.strip(), CONF_AREA: _text(data.get(CONF_AREA))}
    for field in FIELDS:
        if not field.section:
            continue
        raw = _section(data, field.section).get(field.name)
        match field.kind:
            case Kind.SWITCH:
                values[field.name] = field.default if raw is None else bool(raw)
            case Kind.ENTITIES:
                values[field.name] = _strings(raw)
            case Kind.LEARNED:
                values[field.name] = learned_buttons(raw)
            case Kind.GROUPS:
                values[field.name] = _strings(raw) or RescuePlan().groups
            case Kind.CONTACTS:
                values[field.name] = _contacts_text(raw)
            case _:
                values[field.name] = _text(raw)
    for name in TIMER_FIELDS:
        values[name] = settings.get(name)
    return values


def stored_data(data: Mapping[str, Any], values: Mapping[str, Value]) -> dict[str, Any]:
    """A subentry's data with the given fields changed; everything else kept as it was.

    Empty text, entities and lists are left out, as the station form leaves them out.
    """
    result: dict[str, Any] = {
        key: dict(value) if isinstance(value, Mapping) else value for key, value in data.items()
    }
    for name, value in values.items():
        field = BY_NAME[name]
        if field.kind is Kind.AREA:
            target = result
        elif field.section:
            target = result.setdefault(field.section, {})
        else:
            continue
        if isinstance(value, bool):
            target[name] = value
        elif not value:
            target.pop(name, None)
        elif isinstance(value, tuple):
            target[name] = [i.as_dict() if isinstance(i, LearnedButton) else i for i in value]
        else:
            target[name] = value
    return result


def new_station_values() -> dict[str, Value]:
    """A new station's fields before its file row is read: the station form's defaults."""
    return stored_values("", {}, {})


# -- reading a field -----------------------------------------------------------------------


def _single(raw: Raw) -> str:
    if isinstance(raw, tuple):
        raise FieldError("not_text")
    return raw.strip()


def _items(raw: Raw, separators: re.Pattern[str]) -> tuple[str, ...]:
    parts = raw if isinstance(raw, tuple) else tuple(separators.split(raw))
    return tuple(item for part in parts if (item := part.strip()))


def _switch(raw: Raw, default: bool) -> bool:
    text = _single(raw).casefold()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError("not_switch", text)


def _entity(raw: str, domains: tuple[str, ...]) -> str:
    if not _ENTITY_ID.fullmatch(raw):
        raise FieldError("not_entity", raw)
    if domains and raw.partition(".")[0] not in domains:
        raise FieldError("entity_domain", ", ".join(domains))
    return raw


def _unique[T](items: tuple[T, ...]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


def _groups(raw: Raw) -> tuple[str, ...]:
    groups = _unique(_items(raw, _LIST_SEPARATORS))
    for group in groups:
        if group not in RESPONDER_GROUPS:
            raise FieldError("unknown_group", group)
    return groups or RescuePlan().groups


def _contacts(raw: Raw) -> str:
    text = _contacts_text("\n".join(raw) if isinstance(raw, tuple) else raw)
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            parse_contacts(line)
        except InvalidContactsError:
            # Which contact, not its text: problems are shown and may be logged.
            raise FieldError("contact_line", str(number)) from None
    return text


def learned_button_text(button: LearnedButton) -> str:
    """A learned button as a file writes it: `<device>; help=...; answer=...`."""
    gestures = ((role, getattr(button, role)) for role in _ROLES)
    return "; ".join([button.key, *(f"{r}={', '.join(g)}" for r, g in gestures if g)])


def parse_learned_button(line: str) -> LearnedButton:
    """`<IEEE address or Zigbee2MQTT topic>; help=g1, g2; answer=g3; start_check_in=g4`."""
    device, *parts = (part.strip() for part in line.split(";"))
    try:
        source, key = SOURCE_ZHA, normalise_ieee(device)
    except ValueError:
        source, key = SOURCE_MQTT, device.strip("/")
        if "/" not in key:
            raise FieldError("learned_device", device) from None
    gestures: dict[str, tuple[str, ...]] = {}
    for part in parts:
        role, equals, listed = part.partition("=")
        role = role.strip()
        if not equals or role not in _ROLES or role in gestures:
            raise FieldError("learned_role", part)
        gestures[role] = _unique(_items(listed, re.compile(",")))
    if not any(gestures.values()):
        # A button that means nothing would be pressed in vain.
        raise FieldError("learned_gestures", device)
    return LearnedButton(source=source, key=key, **gestures)


def _learned(raw: Raw) -> tuple[LearnedButton, ...]:
    lines = raw if isinstance(raw, tuple) else tuple(raw.splitlines())
    buttons = tuple(parse_learned_button(line) for line in lines if line.strip())
    return _unique(buttons)


def _timer(name: str, raw: Raw) -> float:
    text = _single(raw)
    if not text:
        return timer_default(name)
    low, high = TIMER_LIMITS[name]
    if not _SECONDS.fullmatch(text) or not low <= float(text) <= high:
        raise FieldError("timer_range", f"{low:g}-{high:g}")
    return float(text)


def _area(raw: Raw, areas: Mapping[str, str], current: str) -> str:
    text = _single(raw)
    if not text or text in areas or text == current:
        return text
    folded = text.casefold()
    for area_id, name in areas.items():
        if name.casefold() == folded:
            return area_id
    raise FieldError("unknown_area", text)


def parse_value(  # noqa: PLR0911 (one reader per kind)
    field: Field, raw: Raw, areas: Mapping[str, str], current_area: str
) -> Value:
    """A field's value as a file gives it, or FieldError."""
    match field.kind:
        case Kind.SWITCH:
            return _switch(raw, field.default)
        case Kind.ENTITY:
            return _entity(text, field.domains) if (text := _single(raw)) else ""
        case Kind.ENTITIES:
            return _unique(tuple(_entity(i, ()) for i in _items(raw, _LIST_SEPARATORS)))
        case Kind.LEARNED:
            return _learned(raw)
        case Kind.GROUPS:
            return _groups(raw)
        case Kind.CONTACTS:
            return _contacts(raw)
        case Kind.TIMER:
            return _timer(field.name, raw)
        case Kind.AREA:
            return _area(raw, areas, current_area)
        case _:
            return _single(raw)


# -- writing a field -----------------------------------------------------------------------


type Exported = bool | int | float | str | list[str]


def export_value(field: Field, value: Value, areas: Mapping[str, str]) -> Exported:
    """A field's value as a file writes it: a switch, whole seconds, text or a list."""
    if isinstance(value, str):
        return areas.get(value, value) if field.kind is Kind.AREA else value
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return [learned_button_text(i) if isinstance(i, LearnedButton) else i for i in value]


def list_joiner(field: Field) -> str:
    """How a list is written in one CSV cell: one learned button per line, else commas."""
    return "\n" if field.kind is Kind.LEARNED else ", "
