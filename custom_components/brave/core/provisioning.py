"""Many stations from one file: what an import would change, and the export of a site.

A file names each station by a key (its `station` field): an existing station's own key (the
file's key it was imported with), or its subentry id, or a new key that adds a station. A
field the file does not give is left as it is; stations not in the file are left alone. An
import applies only when every line is valid; the plan says what it would add and change.
docs/organisations.md describes the format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ..const import CONF_AREA
from .station_fields import (
    BY_NAME,
    FIELDS,
    KEY,
    NAME,
    PERSONAL,
    FieldError,
    Kind,
    Value,
    export_value,
    new_station_values,
    parse_value,
    stored_data,
    stored_values,
    timer_default,
)
from .station_file import FileFormat, Problem, Row, read_rows, write_rows
from .station_rules import station_problems
from .stations import TIMER_FIELDS

MAX_KEY_LENGTH: Final = 100


@dataclass(frozen=True, slots=True)
class CurrentStation:
    """A station as Home Assistant holds it: its subentry and its timers."""

    subentry_id: str
    # The key a file gave it when it was added (the subentry's unique id), if any.
    unique_id: str | None
    title: str
    data: Mapping[str, Any]
    # The timers set for it, in seconds (unset ones are the defaults).
    timers: Mapping[str, float] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The key its export gives it."""
        return self.unique_id or self.subentry_id


@dataclass(frozen=True, slots=True)
class NewStation:
    """A station the file adds: stored as a subentry with the file's key as its unique id."""

    key: str
    title: str
    data: dict[str, Any]
    timers: dict[str, float]


@dataclass(frozen=True, slots=True)
class StationChange:
    """A station whose fields the file changes."""

    subentry_id: str
    key: str
    title: str
    data: dict[str, Any]
    timers: dict[str, float]
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Named:
    """A station by its key and name, for lists of what stays as it is."""

    key: str
    title: str


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do, or the problems that stop it."""

    added: tuple[NewStation, ...] = ()
    changed: tuple[StationChange, ...] = ()
    unchanged: tuple[Named, ...] = ()
    not_in_file: tuple[Named, ...] = ()
    problems: tuple[Problem, ...] = ()
    # Entities no one has set up yet: allowed (a building can be described before its
    # devices are paired), but said.
    warnings: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether the import may be applied."""
        return not self.problems

    @property
    def changes(self) -> int:
        """How many stations it adds or changes."""
        return len(self.added) + len(self.changed)


@dataclass(slots=True)
class _Reading:
    """Problems and warnings of one import, collected as the rows are read."""

    areas: Mapping[str, str]
    entity_known: Callable[[str], bool] | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def values(self, row: Row, current_area: str) -> dict[str, Value] | None:
        """The row's fields as values, or None when any is invalid."""
        values: dict[str, Value] = {}
        valid = True
        for name, raw in row.values.items():
            if name == KEY:
                continue
            line = row.lines[name]
            try:
                value = parse_value(BY_NAME[name], raw, self.areas, current_area)
            except FieldError as err:
                detail = (err.detail,) if err.detail else ()
                self.problems.append(Problem(line, name, err.code, detail))
                valid = False
                continue
            values[name] = value
            self._check_entities(name, value, line)
        if NAME in values and not values[NAME]:
            self.problems.append(Problem(row.lines[NAME], NAME, "name_required"))
            valid = False
        return values if valid else None

    def _check_entities(self, name: str, value: Value, line: int) -> None:
        if self.entity_known is None or BY_NAME[name].kind not in (Kind.ENTITY, Kind.ENTITIES):
            return
        entities = value if isinstance(value, tuple) else (value,)
        for entity_id in entities:
            if isinstance(entity_id, str) and entity_id and not self.entity_known(entity_id):
                self.warnings.append(Problem(line, name, "unknown_entity", (entity_id,)))

    def rules(self, row: Row, data: Mapping[str, Any]) -> None:
        """The station form's rules, on the station as it would be stored."""
        for rule in station_problems(data):
            given = [name for name in rule.fields if name in row.lines]
            line = row.lines[given[0]] if given else row.line
            self.problems.append(Problem(line, " / ".join(rule.fields), rule.code))


def _key(row: Row, problems: list[Problem]) -> str | None:
    raw = row.values.get(KEY, "")
    line = row.lines.get(KEY, row.line)
    if isinstance(raw, tuple):
        problems.append(Problem(line, KEY, "invalid_key", (str(MAX_KEY_LENGTH),)))
        return None
    if not (key := raw.strip()):
        problems.append(Problem(line, KEY, "key_required"))
        return None
    if len(key) > MAX_KEY_LENGTH or key.startswith("#"):
        problems.append(Problem(line, KEY, "invalid_key", (str(MAX_KEY_LENGTH),)))
        return None
    return key


def _timers(values: Mapping[str, Value], base: Mapping[str, float]) -> dict[str, float]:
    """The timers to store: the file's, a default one left unset, the others as they were."""
    timers = {name: float(v) for name, v in base.items() if name in TIMER_FIELDS}
    for name in TIMER_FIELDS:
        if isinstance(value := values.get(name), float):
            if value == timer_default(name):
                timers.pop(name, None)
            else:
                timers[name] = value
    return timers


def plan_import(
    text: str,
    file_format: FileFormat,
    current: Sequence[CurrentStation],
    areas: Mapping[str, str],
    entity_known: Callable[[str], bool] | None = None,
) -> ImportPlan:
    """What importing the file would do to the site's stations.

    `areas` maps Home Assistant's area ids to their names (a file may give either);
    `entity_known` says whether an entity exists, for the warnings.
    """
    rows, problems = read_rows(text, file_format)
    reading = _Reading(areas, entity_known, problems)
    by_unique = {s.unique_id: s for s in current if s.unique_id}
    by_id = {s.subentry_id: s for s in current}
    seen: dict[str, int] = {}
    added: list[NewStation] = []
    changed: list[StationChange] = []
    unchanged: list[Named] = []
    for row in rows:
        if (key := _key(row, problems)) is None:
            continue
        station = by_unique.get(key) or by_id.get(key)
        identity = station.subentry_id if station else key
        if identity in seen:
            problems.append(Problem(row.line, KEY, "duplicate_station", (str(seen[identity]),)))
            continue
        seen[identity] = row.line
        area = "" if station is None else str(station.data.get(CONF_AREA) or "")
        if (values := reading.values(row, area)) is None:
            continue
        if station is None:
            if not values.get(NAME):
                problems.append(Problem(row.line, NAME, "name_required"))
                continue
            data = stored_data({}, new_station_values() | values)
            reading.rules(row, data)
            added.append(NewStation(key, str(values[NAME]), data, _timers(values, {})))
            continue
        before = stored_values(station.title, station.data, station.timers)
        after = before | values
        fields = tuple(f.name for f in FIELDS if f.name != KEY and before[f.name] != after[f.name])
        if not fields:
            unchanged.append(Named(station.key, station.title))
            continue
        data = stored_data(station.data, values)
        reading.rules(row, data)
        changed.append(
            StationChange(
                station.subentry_id,
                station.key,
                str(after[NAME]),
                data,
                _timers(values, station.timers),
                fields,
            )
        )
    not_in_file = tuple(Named(s.key, s.title) for s in current if s.subentry_id not in seen)
    if reading.problems:
        # In the order of the file, whichever reading found them.
        in_order = sorted(reading.problems, key=lambda p: p.line)
        return ImportPlan(problems=tuple(in_order), warnings=tuple(reading.warnings))
    return ImportPlan(
        tuple(added),
        tuple(changed),
        tuple(unchanged),
        not_in_file,
        warnings=tuple(reading.warnings),
    )


PERSONAL_NOTE: Final = "personal fields included"


def export_text(
    current: Sequence[CurrentStation],
    file_format: FileFormat,
    *,
    personal: bool,
    areas: Mapping[str, str],
    site: str,
) -> str:
    """The site's stations as a file that imports back to the same stations.

    Personal fields are written only when asked for, and the file then says so on its first
    line (docs/organisations.md).
    """
    columns = [f.name for f in FIELDS if personal or not f.personal]
    rows = []
    for station in current:
        values = stored_values(station.title, station.data, station.timers)
        row = {name: export_value(BY_NAME[name], values[name], areas) for name in columns[1:]}
        rows.append({KEY: station.key} | row)
    site_name = " ".join(site.split())
    if file_format is FileFormat.CSV:
        comments = [f"{PERSONAL_NOTE}: {', '.join(PERSONAL)}"] if personal else []
    elif personal:
        comments = [
            f"{PERSONAL_NOTE}: {', '.join(PERSONAL)}. Keep this file private.",
            f"Brave stations of {site_name}.",
        ]
    else:
        comments = [
            (
                f"Brave stations of {site_name}. Personal fields ({', '.join(PERSONAL)}) are "
                "not in this file: importing it leaves them as they are."
            ),
        ]
    return write_rows(rows, columns, file_format, comments)


def looks_like_export(first_line: str) -> bool:
    """Whether a file's first line is one an export writes (or the file is empty)."""
    line = first_line.removeprefix("\ufeff").strip()
    return not line or line.startswith(("# Brave stations", f"# {PERSONAL_NOTE}", f"{KEY},"))


def guess_format(text: str) -> FileFormat:
    """A pasted file's format when none is named.

    CSV when its first line is a header (commas, and no colon: every YAML station file's first
    line has one, `stations:` or `- station: ...`).
    """
    for raw in text.removeprefix("\ufeff").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            return FileFormat.CSV if "," in line and ":" not in line else FileFormat.YAML
    return FileFormat.YAML
