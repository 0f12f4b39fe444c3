"""The safety engine alone, pure Python with no Home Assistant running.

Inputs handled per second, and the cost of `dump_state` (what each save serialises per
station).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import random
import time
from typing import Any

from custom_components.brave.core.engine.config import Location, ReleaseDetails, StationConfig
from custom_components.brave.core.engine.events import (
    Event,
    MotionChanged,
    Outcome,
    PresenceChanged,
    PressAction,
    Pressed,
    Resolved,
    Tick,
)
from custom_components.brave.core.engine.state import dump_state
from custom_components.brave.core.engine.station import Station

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _config(n: int) -> StationConfig:
    return StationConfig(
        station_id=f"bench{n:05d}",
        label=f"Room {n}",
        release=ReleaseDetails(Location(label=f"Room {n}", address="12 Example Street")),
        room_sensing=True,
        has_motion=True,
    )


def _stream(count: int, rng: random.Random) -> list[Event]:
    """A radar's life: presence and movement changes, a press now and then, ticks."""
    events: list[Event] = []
    at, present, moving = T0, False, False
    while len(events) < count:
        at += timedelta(seconds=rng.uniform(0.5, 2.0))
        roll = rng.random()
        if roll < 0.2:
            present = not present
            events.append(PresenceChanged(at, present))
        elif roll < 0.9:
            moving = not moving
            events.append(MotionChanged(at, moving))
        elif roll < 0.95:
            events.append(Pressed(at, PressAction.HELP))
        else:
            events.append(Tick(at))
    return events[:count]


def _feed(station: Station, event: Event) -> int:
    """Handle one input as the shell does; returns the inputs handled.

    The next deadline is read after each input, and a responder closes each alert at once, so
    every press opens a new one.
    """
    station.handle(event)
    _ = station.next_deadline
    if (ladder := station.state.ladder) is not None and ladder.alert_key in (
        station.state.open_alerts
    ):
        station.handle(Resolved(event.at, ladder.alert_key, Outcome.TEST))
        _ = station.next_deadline
        return 2
    return 1


def events_per_second(count: int) -> dict[str, float]:
    """Inputs handled per second by one station, over about `count` inputs (best of 3)."""
    events = _stream(count, random.Random(1))
    best, handled = float("inf"), 0
    for _ in range(3):
        station = Station(_config(0))
        handled = 0
        start = time.perf_counter()
        for event in events:
            handled += _feed(station, event)
        best = min(best, time.perf_counter() - start)
    return {"events": float(handled), "seconds": best, "per_second": handled / best}


def dump_cost(stations: int) -> dict[str, float]:
    """Microseconds of dump_state per station, for stations in varied states (best of 3)."""
    rng = random.Random(2)
    engines = []
    for n in range(stations):
        station = Station(_config(n))
        for event in _stream(rng.randint(5, 40), rng):
            station.handle(event)
        if rng.random() < 0.1:
            # Some stations have an alert open (a ladder in the state).
            station.handle(Pressed(T0 + timedelta(hours=1), PressAction.HELP))
        engines.append(station)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for station in engines:
            dump_state(station.state)
        best = min(best, time.perf_counter() - start)
    return {"stations": float(stations), "us_per_station": best / stations * 1e6}


def run(params: dict[str, Any]) -> dict[str, Any]:
    """Both measures."""
    return {
        "events": events_per_second(int(params.get("engine_events", 200_000))),
        "dump_state": dump_cost(int(params.get("stations", 1000))),
    }
