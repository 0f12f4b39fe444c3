"""Station state and next-step sensors; the site's queue and last error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .adapters.site import BraveSite
from .adapters.station_driver import StationDriver
from .core.drills import Result
from .core.engine.station import Phase
from .entity import BraveSiteEntity, BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class StationSensorDescription(SensorEntityDescription):
    """A station sensor and how its value is read."""

    value_fn: Callable[[StationDriver], str | datetime | None]


@dataclass(frozen=True, kw_only=True)
class SiteSensorDescription(SensorEntityDescription):
    """A site sensor and how its value is read."""

    value_fn: Callable[[BraveSite], str | int | None]


STATION_SENSORS = (
    # What the station is doing: idle, occupied, prompting, countdown, alert, ...
    StationSensorDescription(
        key="state",
        translation_key="state",
        device_class=SensorDeviceClass.ENUM,
        options=[phase.value for phase in Phase],
        value_fn=lambda driver: driver.engine.phase.value,
    ),
    # When the station next acts by itself (prompt, countdown end, reminder...).
    StationSensorDescription(
        key="next_deadline",
        translation_key="next_deadline",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda driver: driver.engine.next_deadline,
    ),
)


def _last_error(site: BraveSite) -> str | None:
    error = site.sender.last_error
    return None if error is None else error[:255]


SITE_SENSORS = (
    # Alerts and events waiting for the dispatch service to confirm them.
    SiteSensorDescription(
        key="queued_writes",
        translation_key="queued_writes",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda site: len(site.sender.outbox),
    ),
    # The dispatch service's last error, for whoever keeps the site running.
    SiteSensorDescription(
        key="last_error",
        translation_key="last_error",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_error,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the site's sensors and each station's."""
    site = entry.runtime_data
    async_add_entities(SiteSensor(site, d) for d in SITE_SENSORS)
    async_add_entities(
        [ProgramSummarySensor(site, PROGRAM_SUMMARY), DrillReportSensor(site, DRILL)]
    )
    add_station_entities(
        entry,
        async_add_entities,
        lambda site, driver: [StationSensor(site, driver, d) for d in STATION_SENSORS],
    )


class StationSensor(BraveStationEntity, SensorEntity):
    """A sensor of one station."""

    entity_description: StationSensorDescription

    @property
    def native_value(self) -> str | datetime | None:
        """The station's value."""
        return self.entity_description.value_fn(self.driver)


class SiteSensor(BraveSiteEntity, SensorEntity):
    """A sensor of the site."""

    entity_description: SiteSensorDescription

    @property
    def native_value(self) -> str | int | None:
        """The site's value."""
        return self.entity_description.value_fn(self.site)


# This month's figures for the whole site (docs/drills-and-statistics.md, "Reading the numbers").
PROGRAM_SUMMARY = SensorEntityDescription(key="program_summary", translation_key="program_summary")
# The last drill's result; its findings are attributes (every detail: brave.drill_report).
DRILL = SensorEntityDescription(
    key="drill_report",
    translation_key="drill_report",
    device_class=SensorDeviceClass.ENUM,
    options=[result.value for result in Result],
)


class ProgramSummarySensor(BraveSiteEntity, SensorEntity):
    """The number of alerts this month; the month's other figures as attributes."""

    # Where the site's long-term statistics are (the dashboard reads it): it never changes.
    _unrecorded_attributes = frozenset({"statistic_prefix"})

    async def async_added_to_hass(self) -> None:
        """Follow the counts."""
        self.async_on_remove(self.site.program.add_listener(self._maybe_write))

    @property
    def native_value(self) -> int:
        """Alerts this month (tests not included)."""
        return int(self.site.program.summary()["alerts"])

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The month and its figures."""
        figures = self.site.program.summary()
        del figures["alerts"]
        return {**figures, "statistic_prefix": self.site.program.prefix}


class DrillReportSensor(BraveSiteEntity, SensorEntity):
    """The last drill's result (or the one running), with what it found."""

    async def async_added_to_hass(self) -> None:
        """Follow the drills."""
        self.async_on_remove(self.site.drills.add_listener(self._maybe_write))

    def _report(self) -> dict[str, Any] | None:
        return self.site.drills.progress or self.site.drills.last_report

    @property
    def native_value(self) -> str | None:
        """Running, all heard, some not heard, or nothing asked."""
        report = self._report()
        return None if report is None else str(report["result"])

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Counts, and the rooms by what the drill found (labels only: attributes stay small)."""
        if (report := self._report()) is None:
            return None
        stations = report["stations"]
        return {
            "number": report["number"],
            "started_at": report["started_at"],
            "ends_at": report["ends_at"],
            "buttons_asked": report["buttons_asked"],
            "buttons_heard": report["buttons_heard"],
            "prompts_unanswered": report["prompts_unanswered"],
            "not_heard": [
                f"{s['label']}: {', '.join(s['not_heard'])}" for s in stations if s["not_heard"]
            ],
            "unanswered": [s["label"] for s in stations if s["prompt_unanswered"]],
            "not_asked": [s["label"] for s in stations if s["not_asked"]],
            "left_out": [s["label"] for s in stations if s["skipped"] in ("busy", "paused")],
            "help_called": [s["label"] for s in stations if s["help_called"]],
        }
