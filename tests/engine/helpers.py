"""Shared helpers for the engine tests: a fixed clock origin, configs and a deadline runner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from custom_components.brave.core.engine.config import (
    Contact,
    ContactRole,
    Location,
    ReleaseDetails,
    RescuePlan,
    StationConfig,
    Timers,
)
from custom_components.brave.core.engine.effects import Effect
from custom_components.brave.core.engine.events import Event, Tick
from custom_components.brave.core.engine.station import Station

# A fixed, timezone-aware origin: the engine never reads a clock, so neither do its tests.
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
STATION_ID = "st-4f9c"

# Distinctive strings, so a scan of any effect's repr finds them if they leak.
ADDRESS = "221 Quietwater Lane"
PHONE = "+1-555-0142"
LOCATION = Location(
    label="Back washroom",
    address=ADDRESS,
    unit="B",
    access_notes="Key in the blue box",
    latitude=49.28,
    longitude=-123.12,
)
CONTACTS = (Contact("Sam", PHONE, ContactRole.NALOXONE_NEARBY),)
RELEASE = ReleaseDetails(location=LOCATION, contacts=CONTACTS)
PLAN = RescuePlan(groups=("first_responders", "staff"), notes="Knock twice")
# What the fallback notice and the final alert of a released alert carry.
RELEASED: dict[str, Any] = {"location": LOCATION, "contacts": CONTACTS, "notes": PLAN.notes}

_TIMER_FIELDS = frozenset(f.name for f in fields(Timers))


def sec(seconds: float) -> timedelta:
    """Shorthand for a duration in seconds."""
    return timedelta(seconds=seconds)


def make_config(**overrides: Any) -> StationConfig:
    """A station config with test release details; timer names override single timers."""
    timer_overrides = {k: overrides.pop(k) for k in list(overrides) if k in _TIMER_FIELDS}
    timers = overrides.pop("timers", Timers())
    if timer_overrides:
        timers = Timers(**{**{f: getattr(timers, f) for f in _TIMER_FIELDS}, **timer_overrides})
    values: dict[str, Any] = {
        "station_id": STATION_ID,
        "label": "Back washroom",
        "release": RELEASE,
        "rescue_plan": PLAN,
        "timers": timers,
    }
    values.update(overrides)
    return StationConfig(**values)


def make_station(**overrides: Any) -> Station:
    """An idle station built with make_config."""
    return Station(make_config(**overrides))


def feed(station: Station, *events: Event) -> list[Effect]:
    """Handle events in order; return every effect."""
    effects: list[Effect] = []
    for event in events:
        effects += station.handle(event)
    return effects


def run_until(station: Station, until: datetime) -> list[Effect]:
    """Tick at each deadline up to and including `until`; return the effects in order."""
    effects: list[Effect] = []
    for _ in range(10_000):
        deadline = station.next_deadline
        if deadline is None or deadline > until:
            return effects
        effects += station.handle(Tick(deadline))
    raise AssertionError("deadlines did not settle")


def tick_next(station: Station) -> list[Effect]:
    """Tick once, at the station's next deadline (which must exist)."""
    deadline = station.next_deadline
    assert deadline is not None
    return station.handle(Tick(deadline))


def only[E: Effect](effects: Iterable[Effect], kind: type[E]) -> list[E]:
    """The effects of one type, in order."""
    return [e for e in effects if isinstance(e, kind)]


def kinds(effects: Iterable[Effect]) -> list[str]:
    """Effect class names, in order: compact for sequence assertions."""
    return [type(e).__name__ for e in effects]
