"""The site's clock: wall time for the engine, timers that wait on the monotonic clock.

Home Assistant's point-in-time timers wait for the wall clock: stepped back an hour during a
countdown, the alert waits an hour too. Here every wait is a monotonic delay, and a step of
the wall clock is noticed (the wall clock moved unlike the monotonic one since the last look)
and handed to the site, which moves every stored time by it so each remaining wait keeps its
length: nothing fires early, late, twice or never.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

_LOGGER = logging.getLogger(__name__)

# Drift below this is a clock being slewed, not stepped.
STEP_TOLERANCE: Final = timedelta(seconds=2)


def wall_now() -> datetime:
    """The wall clock (a seam: tests step it without stepping the monotonic clock)."""
    return dt_util.utcnow()


class SiteClock:
    """Wall time, checked against the monotonic clock at every look."""

    def __init__(self, hass: HomeAssistant, on_step: Callable[[timedelta], None]) -> None:
        """Start watching from now; `on_step` gets each step of the wall clock."""
        self.hass = hass
        self._on_step = on_step
        self._wall = wall_now()
        self._steady = hass.loop.time()

    @callback
    def now(self) -> datetime:
        """The wall time; a step since the last look is reported first."""
        wall, steady = wall_now(), self.hass.loop.time()
        step = wall - (self._wall + timedelta(seconds=steady - self._steady))
        self._wall, self._steady = wall, steady
        if abs(step) > STEP_TOLERANCE:
            _LOGGER.warning(
                "The system clock was stepped by %s; every pending step keeps its time",
                step,
            )
            self._on_step(step)
        return wall
