"""Program statistics in Home Assistant: counted from the stations, kept, graphed, exported.

The counting is core/stats.py. Here: each station's events (its event entity's steps and the
dispatch service's statuses), visits and check-in sessions from its state, device faults from
device health; a store written within a bounded time; every finished hour handed to the
recorder as long-term statistics under the `brave:` source (when the recorder runs); the
monthly summary for the site's sensor; and the table as CSV.

Only station ids and kinds leave this module: never a label, a location or a name.
"""

from __future__ import annotations

from collections.abc import Callable
import csv
from datetime import datetime
from functools import partial
import logging
from pathlib import Path
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.util import dt as dt_util, slugify

from ..const import DOMAIN
from ..core.stats import (
    CHECK_IN,
    COLUMNS,
    KINDS,
    OUTCOMES,
    STATION_SUM_SERIES,
    VISIT,
    ProgramStats,
    station_series,
)
from .health_watcher import HealthMonitor
from .program_store import ProgramStore
from .station_driver import StationDriver

_LOGGER = logging.getLogger(__name__)

NOTIFY_EVERY: Final = 1.0  # seconds, at most, between summaries while changes keep coming

RECORDER: Final = "recorder"
_NAMES: Final = {
    "alerts": "alerts",
    **{f"alerts_{kind}": f"alerts ({kind.replace('_', ' ')})" for kind in KINDS},
    "test_alerts": "test alerts",
    "acknowledged": "alerts acknowledged",
    "on_scene": "responders on scene",
    **{f"outcome_{o}": f"outcome: {o.replace('_', ' ')}" for o in OUTCOMES},
    "visits": "visits monitored",
    "check_in_sessions": "check-in sessions",
    "device_faults": "device faults",
    "time_to_acknowledge": "time to acknowledgement",
    "time_to_on_scene": "time to on scene",
    "uptime": "device uptime",
}


def station_modes(driver: StationDriver) -> str:
    """A station's kind: its monitoring modes (`help_button+check_in`)."""
    config = driver.engine.config
    modes = (
        ("help_button", config.help_button),
        ("check_in", config.check_in),
        ("room_sensing", config.room_sensing),
    )
    return "+".join(name for name, on in modes if on)


class ProgramStatistics:
    """Counts one site's program statistics."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        drivers: dict[str, StationDriver],
        health: HealthMonitor,
    ) -> None:
        """Nothing is counted until async_start."""
        self.hass = hass
        self.entry = entry
        self.drivers = drivers
        self.health = health
        self.stats = ProgramStats(
            dt_util.get_default_time_zone(), hourly=RECORDER in hass.config.components
        )
        self.store = ProgramStore(hass, f"{DOMAIN}.{entry.entry_id}.statistics", self.stats.dump)
        # Statistic ids: `brave:<site>_<series>` (ids are opaque; lower case for the recorder).
        self.prefix = f"{DOMAIN}:{slugify(entry.entry_id)}"
        self._sessions: dict[str, tuple[bool, bool]] = {}
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []
        # The month's summary adds up every station: worked out once per change, and listeners
        # (the summary sensor) told at once, then at most once a second while changes keep
        # coming (a building's busy hour must not add up every station on every event).
        self._summary: tuple[str, dict[str, Any]] | None = None
        self._tell = Debouncer(
            hass, _LOGGER, cooldown=NOTIFY_EVERY, immediate=True, function=self._tell_listeners
        )

    # -- start and stop ------------------------------------------------------------------

    async def async_start(self) -> None:
        """Read back what was counted, follow every station, and hand over finished hours."""
        stored = await self.store.async_load()
        if stored is not None:
            try:
                bad = self.stats.load(stored)
            except ValueError as err:
                _LOGGER.error("Brave's program statistics could not be read (%s); from zero", err)
                self.stats = ProgramStats(self.stats.tz, hourly=self.stats.hourly)
            else:
                if bad:
                    # Names are station ids and months: nothing personal.
                    _LOGGER.error(
                        "Brave left out stored statistics it could not read: %s", ", ".join(bad)
                    )
        now = dt_util.utcnow()
        for station_id, driver in self.drivers.items():
            self._sessions[station_id] = self._session_flags(driver)
            self._unsubs.append(driver.add_event_listener(partial(self._on_event, station_id)))
            self._unsubs.append(driver.add_listener(partial(self._on_change, station_id)))
            # Faults found while Home Assistant was stopped count once, as new.
            self.stats.device_faults(station_id, self._faults(station_id), now)
        self._unsubs.append(
            async_track_utc_time_change(self.hass, self._on_hour, minute=0, second=0)
        )
        self._export(now)
        self.store.changed()

    async def async_stop(self) -> None:
        """Count uptime to now and save; the unfinished hour is handed over later."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs = []
        self._tell.async_cancel()
        self.stats.stop(dt_util.utcnow())
        await self.store.async_close()

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call listener when the counts change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _changed(self) -> None:
        self.store.changed()
        self._summary = None
        self._tell.async_schedule_call()

    @callback
    def _tell_listeners(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- inputs --------------------------------------------------------------------------

    @callback
    def _on_event(self, station_id: str, name: str, attributes: dict[str, Any]) -> None:
        self.stats.event(station_id, name, attributes, dt_util.utcnow())
        self._changed()

    @staticmethod
    def _session_flags(driver: StationDriver) -> tuple[bool, bool]:
        state = driver.engine.state
        return state.session_start is not None, state.check_in_active

    def _faults(self, station_id: str) -> set[str]:
        return {
            f"{device}:{fault}"
            for device, faults in self.health.faults(station_id).items()
            for fault in faults
        }

    @callback
    def _on_change(self, station_id: str) -> None:
        """After every change of a station: a new visit or session, a device fault."""
        now = dt_util.utcnow()
        changed = False
        visit, check_in = self._session_flags(self.drivers[station_id])
        was_visit, was_check_in = self._sessions[station_id]
        self._sessions[station_id] = (visit, check_in)
        for kind, began in (
            (VISIT, visit and not was_visit),
            (CHECK_IN, check_in and not was_check_in),
        ):
            if began:
                self.stats.session(station_id, kind, now)
                changed = True
        faults = self._faults(station_id)
        if faults != self.stats.faults.get(station_id, set()):
            self.stats.device_faults(station_id, faults, now)
            changed = True
        if changed:
            self._changed()

    @callback
    def _on_hour(self, now: datetime) -> None:
        for station_id in self.drivers:
            self.stats.observe(station_id, now)
        self.stats.prune(now)
        self._export(now)
        self._changed()

    # -- outputs -------------------------------------------------------------------------

    @callback
    def _export(self, now: datetime) -> None:
        """Hand every finished hour to the recorder (when it runs)."""
        if not self.stats.hourly:
            return
        # Imported here: the recorder is optional, and heavy to import for sites without it.
        from homeassistant.components.recorder.models import (  # noqa: PLC0415
            StatisticData,
            StatisticMeanType,
            StatisticMetaData,
        )
        from homeassistant.components.recorder.statistics import async_add_external_statistics  # noqa: PLC0415

        for series in self.stats.drain(now, list(self.drivers)):
            metadata = StatisticMetaData(
                mean_type=StatisticMeanType.ARITHMETIC if series.mean else StatisticMeanType.NONE,
                has_sum=not series.mean,
                name=self._name(series.series),
                source=DOMAIN,
                statistic_id=self.statistic_id(series.series),
                unit_class="duration" if series.unit == "s" else None,
                unit_of_measurement=series.unit,
            )
            rows = [
                StatisticData(start=r.start, mean=r.mean, min=r.min, max=r.max)
                if series.mean
                else StatisticData(start=r.start, state=r.sum, sum=r.sum)
                for r in series.rows
            ]
            async_add_external_statistics(self.hass, metadata, rows)

    def statistic_id(self, series: str) -> str:
        """The long-term statistic of a series."""
        return f"{self.prefix}_{slugify(series)}"

    @staticmethod
    def _name(series: str) -> str:
        """What a graph calls the series: a station by its opaque id only."""
        for what in STATION_SUM_SERIES:
            station = series.removeprefix("station_").removesuffix(f"_{what}")
            if series != station_series(station, what):
                continue
            return f"Brave station {slugify(station)}: {_NAMES[what]}"
        return f"Brave {_NAMES[series]}"

    def summary(self) -> dict[str, Any]:
        """This month's figures for the whole site (the monthly summary sensor)."""
        month = self.stats.month_of(dt_util.utcnow())
        if self._summary is None or self._summary[0] != month:
            self._summary = (month, {"month": month, **self.stats.summary(month).figures()})
        return dict(self._summary[1])

    def table(self) -> list[dict[str, Any]]:
        """The exported table (core/stats.py COLUMNS)."""
        modes = {sid: station_modes(driver) for sid, driver in self.drivers.items()}
        return self.stats.table(self.entry.entry_id, modes)


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write the table (in the executor): a header of COLUMNS, empty cells for no value."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
