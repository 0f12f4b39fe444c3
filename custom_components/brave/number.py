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

from .entity import BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class TimerDescription(NumberEntityDescription):
    """A timer setting; `scale` is seconds per displayed unit."""

    scale: int


def _timer(key: str, unit: str, low: float, high: float) -> TimerDescription:
    scale = 60 if unit == UnitOfTime.MINUTES else 1
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
        entry,
        async_add_entities,
        lambda site, driver: [TimerNumber(site, driver, d) for d in TIMERS],
    )


class TimerNumber(BraveStationEntity, NumberEntity):
    """One of the station's timers."""

    entity_description: TimerDescription

    @property
    def native_value(self) -> float:
        """The timer in its displayed unit."""
        d = self.entity_description
        return self.driver.settings.get(d.key) / d.scale

    async def async_set_native_value(self, value: float) -> None:
        """Change the timer; every pending step is planned again at once."""
        d = self.entity_description
        self.driver.reconfigure(self.driver.settings.with_value(d.key, value * d.scale))
