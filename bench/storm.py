"""Radars reporting once a second each: mostly a new distance, sometimes a real change.

A report sets the radar's presence entity with a new `distance` attribute (an attribute-only
change: the reading moves a little every second, as a Tuya ZY-M100's does); now and then
presence toggles, and while someone is there the movement state toggles between `move` and
`presence`. Every group of radars is driven by the same seeded sequence, so the groups get
exactly the same work.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import random
import time

from homeassistant.core import HomeAssistant

from .site import radar

TICK = 0.010  # seconds between batches of reports


@dataclass
class Storm:
    """One group of radars and their current readings."""

    hass: HomeAssistant
    # "b": bound to Brave's stations; "u": not bound; "l": a no-op listener each; "dry": the
    # same loop and readings, but nothing is set (what the driver itself costs)
    group: str
    radars: int
    rate: float = 1.0  # reports per radar per second
    p_presence: float = 0.01  # a report that toggles presence
    p_move: float = 0.05  # a report of an occupied radar that toggles movement
    present: list[bool] = field(default_factory=list)
    moving: list[bool] = field(default_factory=list)
    changes: int = 0
    # Event-loop thread CPU spent inside the state changes themselves (every synchronous
    # listener included): measured around each change, so noise elsewhere does not count.
    sync_cpu: float = 0.0

    def __post_init__(self) -> None:
        """Every radar starts empty."""
        self.present = [False] * self.radars
        self.moving = [False] * self.radars
        self._entities = [radar(self.group, n) for n in range(self.radars)]
        self._names = [f"Radar {self.group} {n}" for n in range(self.radars)]
        self._next = 0

    def _set(self, entity_id: str, state: str, attributes: dict[str, object] | None) -> None:
        start = time.thread_time()
        if self.group != "dry":
            self.hass.states.async_set(entity_id, state, attributes)
        self.sync_cpu += time.thread_time() - start
        self.changes += 1

    def _report(self, rng: random.Random) -> None:
        n = self._next
        self._next = (n + 1) % self.radars
        distance = round(rng.uniform(0.3, 4.0), 3)
        roll = rng.random()
        entity = self._entities[n]
        if roll < self.p_presence:
            present = self.present[n] = not self.present[n]
            self.moving[n] = False
            self._set(entity.movement, "presence" if present else "none", None)
        elif self.present[n] and roll < self.p_presence + self.p_move:
            moving = self.moving[n] = not self.moving[n]
            self._set(entity.movement, "move" if moving else "presence", None)
        self._set(
            entity.presence,
            "on" if self.present[n] else "off",
            {"device_class": "occupancy", "friendly_name": self._names[n], "distance": distance},
        )

    async def run(self, reports: int, seed: int) -> float:
        """Send `reports` reports at the radars' pace; returns the seconds it took."""
        rng = random.Random(seed)
        loop = asyncio.get_running_loop()
        per_second = self.radars * self.rate
        start = loop.time()
        sent = 0
        while sent < reports:
            due = min(reports, int((loop.time() - start) * per_second) + 1)
            while sent < due:
                self._report(rng)
                sent += 1
            await asyncio.sleep(max(0.0, start + sent / per_second - loop.time()))
        return loop.time() - start

    async def run_until(self, stop: asyncio.Event, seed: int) -> None:
        """Report at the radars' pace until stop is set (background load)."""
        while not stop.is_set():
            await self.run(int(self.radars * self.rate), seed)
            seed += 1

    def all_empty(self) -> None:
        """Everyone leaves: presence off, movement none."""
        for n, entity in enumerate(self._entities):
            if self.present[n] and self.group != "dry":
                self.hass.states.async_set(entity.movement, "none")
                self.hass.states.async_set(
                    entity.presence,
                    "off",
                    {"device_class": "occupancy", "friendly_name": self._names[n], "distance": 0.0},
                )
            self.present[n] = self.moving[n] = False
