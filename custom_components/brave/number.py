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

from .core.stations import TIMER_LIMITS
from .entity import BraveStationEntity, add_station_entities
from .types import BraveConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class TimerDescription(NumberEntityDescription):
    """A timer setting; `scale` is seconds per displayed unit."""

    scale: int


def _timer(key: str, unit: str) -> TimerDescription:
    scale = 60 if unit == UnitOfTime.MINUTES else 1
    low, high = TIMER_LIMITS[key]
    return TimerDescription(
        key=key,
        translation_key=key,
        device_class=NumberDeviceClass.DURATION,
        entity_category=EntityCategory.CONFIG,
        # Timers are set once per building, seldom per room: 7 per station would take most of
        # Home Assistant's 10,000 enabled entities per site (docs/organisations.md).
        entity_registry_enabled_default=False,
        native_unit_of_measurement=unit,
        native_min_value=low // scale,
        native_max_value=high // scale,
        native_step=1,
        mode=NumberMode.BOX,
        scale=scale,
    )


TIMERS = (
    _timer("stillness", UnitOfTime.MINUTES),
    _timer("duration", UnitOfTime.MINUTES),
    _timer("check_in_interval", UnitOfTime.MINUTES),
    _timer("answer_window", UnitOfTime.SECONDS),
    _timer("countdown", UnitOfTime.SECONDS),
    _timer("reminder", UnitOfTime.SECONDS),
    _timer("auto_resume", UnitOfTime.MINUTES),
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
