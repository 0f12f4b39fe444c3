"""What a site keeps on disk, read back record by record.

Pure (no Home Assistant, no clock, no I/O). One unreadable station or write never stops the
others: it is set aside (quarantined) for a person to look at, and everything else loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from .dispatch.outbox import Outbox, load_outbox
from .engine.state import InvalidStateError, StationState, load_state

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


def _stamps(raw: Any) -> dict[str, int]:
    if not isinstance(raw, dict):
        return {}
    return {
        k: v
        for k, v in raw.items()
        if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
    }


def read_site(data: Any, now: datetime) -> SiteRecords:
    """Read the site's store (current version).

    Raises InvalidStateError only when the whole store has another shape; a bad record is set
    aside and the rest is read.
    """
    if not isinstance(data, dict):
        raise InvalidStateError("the store is not an object")
    records = SiteRecords()
    stations = data.get("stations")
    for station_id, raw in (stations if isinstance(stations, dict) else {}).items():
        try:
            records.stations[station_id] = _station(raw)
        except InvalidStateError:
            records.bad_stations[station_id] = raw
    quarantine = data.get("quarantine")
    if isinstance(quarantine, dict):
        # Still set aside from an earlier start: kept until a person clears them.
        if isinstance(old := quarantine.get("stations"), dict):
            records.bad_stations = {**old, **records.bad_stations}
        if isinstance(old_writes := quarantine.get("writes"), list):
            records.bad_writes += old_writes
    records.outbox, bad_writes = load_outbox(data.get("outbox", {}), now)
    records.bad_writes += bad_writes
    responders = data.get("responders")
    records.responders = responders if isinstance(responders, dict) else {}
    records.statuses = _strings(data.get("statuses"))
    records.seen_webhooks = _stamps(data.get("seen_webhooks"))
    return records


def migrate(version: int, data: Any, outbox: Any) -> dict[str, Any]:
    """Bring version-1 data (and its separate outbox store) to the current layout."""
    if version != 1 or not isinstance(data, dict):
        raise NotImplementedError(version)
    return {**data, "outbox": outbox if outbox is not None else {}}
