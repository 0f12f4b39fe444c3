"""What a site keeps on disk, read back record by record.

Pure (no Home Assistant, no clock, no I/O). One unreadable station or write never stops the
others: it is set aside (quarantined) for a person to look at, and everything else loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from .engine.state import InvalidStateError, StationState, load_state
from .outbox import Outbox, load_outbox

# 1: stations, responders, statuses and webhooks; the outbox in a store of its own.
# 2: everything in one store, so one write is always a consistent whole.
VERSION: Final = 2


@dataclass(slots=True)
class StationRecord:
    """A station's saved state (None: start fresh) and its settings."""

    state: StationState | None
    settings: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class SiteRecords:
    """Everything read back, and what could not be."""

    stations: dict[str, StationRecord] = field(default_factory=dict)
    outbox: Outbox = field(default_factory=Outbox)
    responders: dict[str, Any] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    seen_webhooks: dict[str, int] = field(default_factory=dict)
    # Raw records set aside, kept in the store until someone clears the repair.
    bad_stations: dict[str, Any] = field(default_factory=dict)
    bad_writes: list[Any] = field(default_factory=list)


def _settings(raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise InvalidStateError("settings")
    settings = {}
    for name, value in raw.items():
        if not isinstance(name, str) or isinstance(value, bool):
            raise InvalidStateError(f"setting {name!r}")
        if not isinstance(value, int | float) or value < 0:
            raise InvalidStateError(f"setting {name!r}: {value!r}")
        settings[name] = float(value)
    return settings


def _station(raw: Any) -> StationRecord:
    if not isinstance(raw, dict):
        raise InvalidStateError("not an object")
    state = raw.get("state")
    return StationRecord(
        state=None if state is None else load_state(state),
        settings=_settings(raw.get("settings", {})),
    )


def _strings(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}


def _stamps(raw: dict[str, Any]) -> dict[str, int]:
    return {
        k: v
        for k, v in raw.items()
        if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
    }


def _responders(raw: dict[str, Any]) -> dict[str, Any]:
    """Who was told about each open alert; an entry that cannot be read is left out.

    Losing one only means a late reply to that alert is not matched to it: the alert itself,
    its station and its writes are kept elsewhere.
    """
    alerts = raw.get("alerts")
    readable = {}
    for key, value in (alerts if isinstance(alerts, dict) else {}).items():
        if not isinstance(value, dict):
            continue
        label, test, rids, kind = (value.get(k) for k in ("label", "test", "rids", "kind"))
        if (
            isinstance(label, str)
            and isinstance(test, bool)
            and isinstance(rids, list)
            and all(isinstance(rid, str) for rid in rids)
            and isinstance(kind, str | None)
        ):
            readable[key] = {"label": label, "test": test, "rids": rids, "kind": kind}
    return {"alerts": readable, "latest": _strings(raw.get("latest"))}


def _section[T](data: dict[str, Any], name: str, kind: type[T], default: T) -> T:
    """A part of the store; another shape there means the store is not one this code wrote."""
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise InvalidStateError(f"{name} is a {type(value).__name__}")
    return value


def read_site(data: Any, now: datetime) -> SiteRecords:
    """Read the site's store (current version).

    Raises InvalidStateError only when the store or one of its parts has another shape; a bad
    record inside a part is set aside and the rest is read.
    """
    if not isinstance(data, dict):
        raise InvalidStateError("the store is not an object")
    records = SiteRecords()
    quarantine = _section(data, "quarantine", dict, {})
    for station_id, raw in _section(data, "stations", dict, {}).items():
        try:
            records.stations[station_id] = _station(raw)
        except InvalidStateError:
            records.bad_stations[station_id] = raw
    # Still set aside from an earlier start: kept until a person clears them.
    records.bad_stations = {**_section(quarantine, "stations", dict, {}), **records.bad_stations}
    records.bad_writes += _section(quarantine, "writes", list, [])
    records.outbox, bad_writes = load_outbox(_section(data, "outbox", dict, {}), now)
    records.bad_writes += bad_writes
    records.responders = _responders(_section(data, "responders", dict, {}))
    records.statuses = _strings(_section(data, "statuses", dict, {}))
    records.seen_webhooks = _stamps(_section(data, "seen_webhooks", dict, {}))
    return records


# The number of the write: the newer of the store and the journal wins.
SEQ: Final = "seq"
# What a journal entry replaces whole; its stations replace the store's one by one.
_JOURNALED = ("outbox", "responders", "statuses", "seen_webhooks")


def sequence(data: Any) -> int:
    """The number of a write (0 for none, or for one from before numbers)."""
    seq = data.get(SEQ) if isinstance(data, dict) else None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else 0


def with_journal(data: Any, journal: Any) -> Any:
    """The store with a newer journal's changes over it (an older or odd journal is ignored)."""
    if not isinstance(data, dict) or not isinstance(journal, dict):
        return data
    if sequence(journal) <= sequence(data):
        return data
    stations, newer = data.get("stations", {}), journal.get("stations")
    merged = {**data, **{k: journal[k] for k in _JOURNALED if k in journal}}
    if isinstance(stations, dict) and isinstance(newer, dict):
        merged["stations"] = {**stations, **newer}
    return merged


def migrate(version: int, data: Any, outbox: Any) -> Any:
    """Bring older data (and version 1's separate outbox store) to the current layout.

    Data of the current version (a newer minor version) is read as it is. Raises
    InvalidStateError for a version this code never wrote.
    """
    if version == VERSION:
        return data
    if version != 1:
        raise InvalidStateError(f"version {version!r}")
    if not isinstance(data, dict):
        raise InvalidStateError("the store is not an object")
    if not isinstance(outbox, dict):
        # An old outbox of another shape is set aside as one write; the stations still migrate.
        outbox = {} if outbox is None else {"writes": [outbox]}
    return {**data, "outbox": outbox}
