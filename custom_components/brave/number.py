"""Station timers as number entities."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import BraveConfigEntry
from .coordinator import BraveCoordinator
from .engine.config import Timers
from .entity import BraveStationEntity, add_station_entities
from .runtime import StationRuntime
from .station_config import DEFAULT_AUTO_RESUME_S

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class TimerDescription(NumberEntityDescription):
    """A timer setting; `scale` is seconds per displayed unit."""

    scale: int
    default_s: float


def _timer(key: str, unit: str, low: float, high: float) -> TimerDescription:
    scale = 60 if unit == UnitOfTime.MINUTES else 1
    default = (
        getattr(Timers(), key).total_seconds() if key != "auto_resume" else DEFAULT_AUTO_RESUME_S
    )
    return TimerDescription(
        key=key,
        translation_key=key,
        device_class=NumberDeviceClass.DURATION,
        entity_category=EntityCategory.CONFIG,
        native_unit_of_measurement=unit,
        native_min_value=low,
        native_max_value=high,
        native_step=1,
        mode=NumberMode.BOX,
        scale=scale,
        default_s=default,
    )


TIMERS = (
    _timer("stillness", UnitOfTime.MINUTES, 1, 60),
    _timer("duration", UnitOfTime.MINUTES, 5, 240),
    _timer("check_in_interval", UnitOfTime.MINUTES, 1, 120),
    _timer("answer_window", UnitOfTime.SECONDS, 10, 600),
    _timer("countdown", UnitOfTime.SECONDS, 5, 300),
    _timer("reminder", UnitOfTime.SECONDS, 30, 1800),
    # 0 keeps a pause until someone resumes.
    _timer("auto_resume", UnitOfTime.MINUTES, 0, 1440),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: BraveConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add each station's timers."""
    add_station_entities(
        entry, async_add_entities, lambda c, runtime: [TimerNumber(c, runtime, d) for d in TIMERS]
    )


class TimerNumber(BraveStationEntity, NumberEntity):
    """One of the station's timers."""

    entity_description: TimerDescription

    def __init__(
        self, coordinator: BraveCoordinator, runtime: StationRuntime, description: TimerDescription
    ) -> None:
        """Bind the description."""
        super().__init__(coordinator, runtime, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float:
        """The timer in its displayed unit."""
        d = self.entity_description
        return self.runtime.settings.get(d.key, d.default_s) / d.scale

    async def async_set_native_value(self, value: float) -> None:
        """Change the timer; it applies from the station's next deadline on."""
        d = self.entity_description
        self.coordinator.set_setting(self.runtime, d.key, value * d.scale)
